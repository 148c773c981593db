"""Spanish first, English available: the language of messages is chosen with ``--lang``,
``CIUDADANA_LANG`` or the workspace's ``language``, and every message in the code has its
English in the shipped catalogue (``ciudadana/locale``)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import ciudadana
from ciudadana.cli import app, reflow
from ciudadana.commands.common import count
from ciudadana.i18n import LOCALE, use_language, use_workspace_language
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace
from conftest import SMALL_HEADER, SmallSource

runner = CliRunner()
SOURCE = Path(ciudadana.__file__).parent
WIDE = {"COLUMNS": "200"}  # the console wraps long lines at its width


@pytest.fixture(autouse=True)
def spanish_after_each_test() -> Iterator[None]:
    yield
    use_language(None)
    use_workspace_language(None)


Forms = tuple[str, ...]  # a message: one text, or its singular and plural (ngettext)


def forms(value: str | list[str] | tuple[str, ...]) -> Forms:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def catalogue(read, path: Path) -> dict[Forms, Forms]:
    with path.open("rb") as fh:
        return {forms(m.id): forms(m.string) for m in read(fh) if m.id}


def english_catalogue() -> dict[Forms, Forms]:
    return catalogue(read_po, LOCALE / "en" / "LC_MESSAGES" / "ciudadana.po")


def messages_in_the_code() -> set[Forms]:
    """What ``pybabel extract -F pyproject.toml`` finds: ``_()``, ``N_()`` and the CLI's help."""
    with (SOURCE.parents[1] / "pyproject.toml").open("rb") as fh:
        mappings = tomllib.load(fh)["tool"]["babel"]["mappings"]
    method_map = [(m["pattern"], m["method"]) for m in mappings]
    return {forms(found[2]) for found in extract_from_dir(str(SOURCE), method_map) if found[2]}


def test_every_message_in_the_code_has_its_english_in_the_catalogue() -> None:
    in_code = messages_in_the_code()
    assert len(in_code) >= 300
    english = english_catalogue()
    assert sorted(in_code - set(english)) == []
    assert sorted(m for m in in_code if not all(text.strip() for text in english[m])) == []


def test_the_shipped_template_holds_the_messages_of_the_code() -> None:
    template = catalogue(read_po, LOCALE / "ciudadana.pot")
    assert set(template) == messages_in_the_code()


def test_every_verb_and_option_help_is_in_the_catalogue() -> None:
    typer_own = ("install_completion", "show_completion")  # Typer's, in English already
    texts = []

    def walk(command) -> None:
        texts.append(command.help)
        texts.extend(getattr(p, "help", None) for p in command.params if p.name not in typer_own)
        for verb in getattr(command, "commands", {}).values():
            walk(verb)

    walk(typer.main.get_command(app))
    english = english_catalogue()
    assert len(texts) > 90
    assert sorted(t for t in texts if t and (t,) not in english) == []


def test_no_message_hides_inside_an_f_string_where_the_catalogue_tools_cannot_see_it() -> None:
    import re

    hidden = re.compile(r"""\bf(["'])[^"']*\{[^}]*\b_\(""")
    found = [
        f"{path.relative_to(SOURCE)}:{n}"
        for path in SOURCE.rglob("*.py")
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if hidden.search(line)
    ]
    assert found == []


def test_no_function_hides_the_translation_function_behind_a_throwaway_variable() -> None:
    """``first, _, last = ...`` in a function that also says ``_("...")`` breaks the message."""
    import ast

    def imports_underscore(tree: ast.Module) -> bool:
        return any(
            isinstance(node, ast.ImportFrom)
            and node.module == "ciudadana.i18n"
            and any(alias.name == "_" for alias in node.names)
            for node in tree.body
        )

    def binds_underscore(node: ast.AST) -> bool:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.For):
            targets = [node.target]
        else:
            return False
        return any(
            isinstance(name, ast.Name) and name.id == "_"
            for target in targets
            for name in ast.walk(target)
        )

    found = []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        if not imports_underscore(tree):
            continue
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and any(
                binds_underscore(node) for node in ast.walk(function)
            ):
                found.append(f"{path.relative_to(SOURCE)}: {function.name}")
    assert found == []


def test_the_shipped_compiled_catalogue_is_the_catalogue() -> None:
    compiled = catalogue(read_mo, LOCALE / "en" / "LC_MESSAGES" / "ciudadana.mo")
    assert compiled == english_catalogue()


def test_translations_keep_every_placeholder_of_the_spanish() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for spanish, english in english_catalogue().items():
        for n, text in enumerate(english):  # singular with singular, plurals with the plural
            assert fields(text) == fields(spanish[min(n, len(spanish) - 1)]), spanish


def said(result) -> str:
    """What the command printed, as one line (the console wraps long lines)."""
    return " ".join(result.output.split())


def ingest_empty_file(
    args: list[str], workspace: Workspace, small_source: SmallSource, env=None, json_=False
):
    empty = small_source.folder / "vacio.csv"
    empty.write_bytes(b"")
    spec = small_source.spec()
    command = [*args, "ingest", str(spec), str(empty), "--workspace", str(workspace.root)]
    return runner.invoke(app, command + (["--json"] if json_ else []), env=env)


def test_spanish_is_the_default(workspace: Workspace, small_source: SmallSource) -> None:
    result = ingest_empty_file([], workspace, small_source)
    assert "vacio.csv: el archivo está vacío (0 bytes)" in said(result)


def test_lang_en_gives_the_message_in_english_with_the_file_it_names(
    workspace: Workspace, small_source: SmallSource
) -> None:
    result = ingest_empty_file(["--lang", "en"], workspace, small_source)
    assert "vacio.csv: the file is empty (0 bytes). Ask the institution to send it again." in (
        said(result)
    )


def test_the_environment_chooses_english_for_scripts(
    workspace: Workspace, small_source: SmallSource
) -> None:
    result = ingest_empty_file(
        [], workspace, small_source, env={"CIUDADANA_LANG": "en"}, json_=True
    )
    assert "the file is empty" in json.loads(result.output)["message"]


def test_an_english_workspace_speaks_english_without_being_asked(
    tmp_path: Path, small_source: SmallSource
) -> None:
    root = tmp_path / "ws-en"
    made = runner.invoke(app, ["init", str(root), "--lang", "en", "--json"])
    assert made.exit_code == 0, made.output
    rows = [[f"A{i}", "02/01/2019", "0101", "Robo", "Mujer", "30"] for i in range(3)]
    first = small_source.csv(rows, "enero.csv")
    spec = small_source.spec()
    args = ["ingest", str(spec), str(first), "--workspace", str(root)]
    loaded = runner.invoke(app, args)
    assert "enero.csv → load 2: rows read 3 = loaded 3 + quarantined 0" in said(loaded)
    again = runner.invoke(app, args)
    assert "already loaded (load 2); loaded: 0, nothing changed." in said(again)
    spanish = runner.invoke(app, ["--lang", "es", *args])
    assert "ya cargado (carga 2)" in said(spanish)


def test_an_english_workspace_keeps_its_quarantine_reasons_in_english(
    tmp_path: Path, small_source: SmallSource
) -> None:
    root = tmp_path / "ws-en"
    assert runner.invoke(app, ["init", str(root), "--lang", "en"]).exit_code == 0
    rows = [["A1", "31/02/2019", "0101", "Robo", "Mujer", "30"]]
    rows += [["A2", "02/01/2019", "0101", "Robo", "Mujer", "abc"]]
    rows += [["A3", "02/01/2019", "9999", "Robo", "Mujer", "30"]]
    bad = small_source.csv(rows, "febrero.csv")
    loaded = runner.invoke(app, ["ingest", str(small_source.spec()), str(bad), "-w", str(root)])
    assert loaded.exit_code == 0, loaded.output
    found = json.loads(runner.invoke(app, ["quarantine", "-w", str(root), "--json"]).output)
    messages = {r["row_number"]: r["message"] for r in found["rows"]}
    assert messages[2].startswith('febrero.csv, row 2, field "fecha": "31/02/2019" is not a valid')
    assert (
        messages[3]
        == 'febrero.csv, row 3, field "edad": "abc" is not a whole number. Correct the row.'
    )
    assert messages[4].startswith('febrero.csv, row 4, field "municipio": "9999"')
    assert messages[4].endswith(
        "Correct the row or add the name as an alias in the territory pack."
    )
    # What the warehouse stored keeps the language of the load.
    later = json.loads(
        runner.invoke(app, ["--lang", "es", "quarantine", "-w", str(root), "--json"]).output
    )
    assert {r["message"] for r in later["rows"]} == set(messages.values())


def test_outside_a_workspace_the_error_says_so_in_english(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "loads", "--workspace", str(tmp_path), "--json"])
    assert result.exit_code == 1
    message = json.loads(result.output)["message"]
    assert message.startswith(f"{tmp_path.resolve()} is not a Ciudadana workspace")
    assert "ciudadana init DIR" in message


def test_an_unknown_language_is_refused_naming_the_available_ones() -> None:
    result = runner.invoke(app, ["--lang", "fr", "loads"])
    assert result.exit_code == 1
    assert "«fr»" in said(result) and "es, en" in said(result)


def test_an_unknown_language_in_the_environment_is_refused_too() -> None:
    result = runner.invoke(app, ["loads"], env={"CIUDADANA_LANG": "pt"})
    assert result.exit_code == 1
    assert "«pt»" in said(result) and "es, en" in said(result)


def test_a_spec_with_a_typo_is_explained_in_english_with_its_line(
    workspace: Workspace, small_source: SmallSource
) -> None:
    text = small_source.spec_text.replace("fields:", "fields:\n  colour: {column: numero}", 1)
    spec = small_source.spec(text, name="con_error.yaml")
    data = small_source.csv([["A1", "02/01/2019", "0101", "Robo", "Mujer", "30"]])
    args = ["--lang", "en", "ingest", str(spec), str(data), "-w", str(workspace.root), "--json"]
    message = json.loads(runner.invoke(app, args).output)["message"]
    assert "con_error.yaml: the spec has 1 problem(s):" in message
    assert "unknown fields: colour; valid ones:" in message
    assert message.endswith("Correct those lines; the field reference is in docs/specs.md.")


def test_a_row_that_cannot_be_split_is_quarantined_in_english_with_its_file_and_row(
    workspace: Workspace, small_source: SmallSource
) -> None:
    text = "A1,02/01/2019,0101,Robo,Mujer,30\nA2,02/01/2019,0101,Robo,Mujer\n"
    data = small_source.csv(text, "marzo.csv")
    args = ["ingest", str(small_source.spec()), str(data), "-w", str(workspace.root)]
    loaded = runner.invoke(app, ["--lang", "en", *args])
    assert "marzo.csv → load 2: rows read 2 = loaded 1 + quarantined 1" in said(loaded)
    found = runner.invoke(app, ["quarantine", "-w", str(workspace.root), "--json"])
    (message,) = [r["message"] for r in json.loads(found.output)["rows"]]
    assert message == (
        "marzo.csv, row 3: the row cannot be split into columns (has 5 cells and the header 6). "
        "Check the quotes and delimiters, or whether the file is cut short."
    )


def test_a_missing_column_is_explained_in_english_with_the_field_and_the_columns_found(
    workspace: Workspace, small_source: SmallSource
) -> None:
    data = small_source.csv(
        [["A1", "02/01/2019", "0101", "Robo", "Mujer"]], header=SMALL_HEADER[:5]
    )
    args = ["ingest", str(small_source.spec()), str(data), "-w", str(workspace.root), "--json"]
    result = runner.invoke(app, args, env={"CIUDADANA_LANG": "en"})
    assert result.exit_code == 1
    assert json.loads(result.output)["message"] == (
        "denuncias.csv: column “edad” is missing (field “victim.age”). If the institution "
        "changed the header, add it to the field's “also”; columns of the file: numero, fecha, "
        "municipio, delito, sexo."
    )


def test_the_help_follows_lang_or_the_environment_and_stays_spanish_by_default() -> None:
    english = runner.invoke(app, ["--lang", "en", "ingest", "--help"], env=WIDE)
    assert "Loads a source's exports into the warehouse." in said(english)
    assert "Example: ciudadana ingest gtm/ine-vif" in said(english)
    assert "Files received from the institution." in said(english)
    listed = runner.invoke(app, ["--help"], env={**WIDE, "CIUDADANA_LANG": "en"})
    assert "History of loads: which file, how many rows" in said(listed)
    spanish = runner.invoke(app, ["ingest", "--help"], env=WIDE)
    assert "Carga exportaciones de una fuente en el almacén." in said(spanish)
    assert "Ejemplo: ciudadana ingest gtm/ine-vif" in said(spanish)


def test_the_help_wraps_at_the_terminal_not_at_the_line_breaks_of_the_source() -> None:
    # The docstring breaks "Siempre: filas leídas" across two source lines; a wide terminal
    # shows the paragraph whole, in both languages.
    for args, sentence in (
        (["ingest", "--help"], "no cambia nada. Siempre: filas leídas = cargadas + en cuarentena."),
        (["--lang", "en", "ingest", "--help"], "changes nothing. Always: rows read = loaded"),
    ):
        lines = [line.strip(" │") for line in said(runner.invoke(app, args, env=WIDE)).splitlines()]
        assert any(sentence in line for line in lines), args
    assert reflow("Uno\ndos.\n\n- a\n- b\n  sigue") == "Uno dos.\n\n- a\n- b\n  sigue"


def test_the_tables_of_a_verb_speak_english_and_its_json_keys_do_not_change(
    workspace: Workspace, small_source: SmallSource
) -> None:
    data = small_source.csv([["A1", "02/01/2019", "0101", "Robo", "Mujer", "30"]])
    runner.invoke(app, ["ingest", str(small_source.spec()), str(data), "-w", str(workspace.root)])
    table = runner.invoke(app, ["--lang", "en", "loads", "-w", str(workspace.root)], env=WIDE)
    assert all(word in said(table) for word in ("load", "source", "superseded by"))
    assert "reemplazada" not in said(table)
    keys = {
        lang: sorted(
            json.loads(
                runner.invoke(
                    app, ["--lang", lang, "loads", "-w", str(workspace.root), "--json"]
                ).output
            )["loads"][0]
        )
        for lang in ("es", "en")
    }
    assert keys["en"] == keys["es"]


def test_init_language_makes_an_english_workspace_and_says_so_in_english(tmp_path: Path) -> None:
    root = tmp_path / "partner"
    made = runner.invoke(app, ["init", str(root), "--language", "en"], env=WIDE)
    assert made.exit_code == 0, made.output
    assert f"Workspace created in {root}" in said(made)
    assert 'language = "en"' in (root / "ciudadana.toml").read_text("utf-8")


def test_an_unknown_language_in_the_workspace_is_refused_naming_the_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    config = root / "ciudadana.toml"
    config.write_text(config.read_text("utf-8").replace('"es"', '"fr"'), encoding="utf-8")
    result = runner.invoke(app, ["loads", "-w", str(root), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "ok": False,
        "error": "unknown-language",
        "message": f"{config}: language: el idioma «fr» no está disponible; use uno de: es, en.",
    }


def test_the_territory_resolver_answers_in_english() -> None:
    result = runner.invoke(app, ["--lang", "en", "territory", "resolve", "San José"], env=WIDE)
    assert result.exit_code == 1
    assert '"San José" exists in 2 departments' in said(result)
    assert "Say which department." in said(result)


def test_a_quality_diagnosis_in_english_stores_its_findings_and_writes_its_report_in_english(
    workspace: Workspace, small_source: SmallSource
) -> None:
    data = small_source.csv(
        [
            ["A1", "02/01/2019", "0101", "Robo", "", "30"],
            ["A1", "02/01/2019", "0101", "Robo", "Mujer", "30"],
        ]
    )
    runner.invoke(app, ["ingest", str(small_source.spec()), str(data), "-w", str(workspace.root)])
    html = workspace.root / "report.html"
    result = runner.invoke(
        app, ["--lang", "en", "quality", "-w", str(workspace.root), "--html", str(html), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '<html lang="en"' in html.read_text(encoding="utf-8")  # the report follows too
    with open_reader(workspace.warehouse_path) as con:
        details = {d for (d,) in con.execute("select detail from quality_findings").fetchall()}
    assert "empty or marked as unknown" in details
    assert "the identifier is already in row 2" in details  # the header is row 1
    assert not any("vacío" in (d or "") or "fila" in (d or "") for d in details)


def test_release_and_monitor_explain_their_errors_in_english(workspace: Workspace) -> None:
    release = runner.invoke(app, ["--lang", "en", "release", "-w", str(workspace.root), "--json"])
    assert release.exit_code == 1
    assert "there is nothing to publish" in json.loads(release.output)["message"]
    monitor = runner.invoke(
        app, ["--lang", "en", "monitor", "-w", str(workspace.root), "--policy", "nada", "--json"]
    )
    assert monitor.exit_code == 1
    assert "There is no policy “nada”" in json.loads(monitor.output)["message"]


def test_linkage_explains_itself_in_english(workspace: Workspace, tmp_path: Path) -> None:
    root = str(workspace.root)
    link = runner.invoke(app, ["--lang", "en", "link", "-w", root, "--json"])
    assert link.exit_code == 1
    assert json.loads(link.output)["message"] == (
        "There are no persons to link in the current loads. Load exports with victims or "
        "aggressors (`ciudadana ingest`)."
    )
    review = tmp_path / "revision.csv"
    review.write_text("tipo,decision\npersonas,misma\n", encoding="utf-8")
    imported = runner.invoke(
        app, ["--lang", "en", "link-review", "import", str(review), "-w", root, "--json"]
    )
    assert imported.exit_code == 1
    assert "revision.csv: columns carga_a, carga_b" in json.loads(imported.output)["message"]


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    assert count(1_234_567) == "1 234 567"  # Spanish: a space groups the thousands
    use_language("en")
    assert count(1_234_567) == "1,234,567"
    assert count(999) == "999"
