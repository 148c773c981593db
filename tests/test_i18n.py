"""Spanish first, English available: the language of messages is chosen with ``--lang``,
``CIUDADANA_LANG`` or the workspace's ``language``, and every message in the code has its
English in the shipped catalogue (``ciudadana/locale``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

import ciudadana
from ciudadana.cli import app
from ciudadana.i18n import LOCALE, use_language, use_workspace_language
from ciudadana.workspace import Workspace
from conftest import SmallSource

runner = CliRunner()
SOURCE = Path(ciudadana.__file__).parent


@pytest.fixture(autouse=True)
def spanish_after_each_test() -> Iterator[None]:
    yield
    use_language(None)
    use_workspace_language(None)


def english_catalogue() -> dict[str, str]:
    with (LOCALE / "en" / "LC_MESSAGES" / "ciudadana.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_every_message_in_the_code_has_its_english_in_the_catalogue() -> None:
    in_code = {found[2] for found in extract_from_dir(str(SOURCE)) if found[2]}
    assert len(in_code) >= 25
    english = english_catalogue()
    assert sorted(in_code - set(english)) == []
    assert sorted(m for m in in_code if not english[m].strip()) == []


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


def test_the_shipped_compiled_catalogue_is_the_catalogue() -> None:
    with (LOCALE / "en" / "LC_MESSAGES" / "ciudadana.mo").open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == english_catalogue()


def test_translations_keep_every_placeholder_of_the_spanish() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for spanish, english in english_catalogue().items():
        assert fields(english) == fields(spanish), spanish


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
