"""The command line: each verb calls the library and renders it, ``--json`` for scripts, one
clear message and exit code 1 for what a person must fix, never a traceback.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.testing import CliRunner, Result

from ciudadana.cli import app
from ciudadana.standards.iccs import load_iccs
from ciudadana.workspace import Workspace

if TYPE_CHECKING:
    from conftest import SmallSource

Process = Callable[..., subprocess.CompletedProcess[str]]

ROWS = [
    ["A1", "01/02/2019", "0101", "Homicidio", "Mujer", "30"],
    ["A2", "31/02/2019", "0101", "Robo", "Hombre", "40"],
    ["A3", "05/03/2019", "Mixco", "Violación", "Mujer", ""],
]


def cli(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Rich wraps long lines at the terminal width; compare words, not line breaks."""
    return " ".join(text.split())


def as_json(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def ingest(ws: Workspace, source: SmallSource, *extra: object) -> Result:
    return cli("ingest", source.spec(), source.csv(ROWS), "--workspace", ws.root, *extra)


def test_ingest_json_reports_rows_in_loaded_quarantined_and_the_load_id(
    workspace: Workspace, small_source: SmallSource
) -> None:
    result = ingest(workspace, small_source, "--json")
    assert result.exit_code == 0
    report = as_json(result)
    assert report["ok"] is True
    assert report["status"] == "loaded"
    assert (report["rows_in"], report["loaded"], report["quarantined"]) == (3, 2, 1)
    assert report["load_id"] == 2  # the population that init loaded is load 1
    assert report["quarantined_by_reason"] == {"invalid-date": 1}
    assert Path(report["raw_path"]).parent == workspace.raw_dir


def test_ingest_json_of_the_same_file_again_reports_loaded_0(
    workspace: Workspace, small_source: SmallSource
) -> None:
    first = as_json(ingest(workspace, small_source, "--json"))
    result = ingest(workspace, small_source, "--json")
    assert result.exit_code == 0
    again = as_json(result)
    assert (again["status"], again["loaded"], again["load_id"]) == (
        "already-loaded",
        0,
        first["load_id"],
    )


def test_ingest_tells_a_person_rows_in_equals_loaded_plus_quarantined_and_why(
    workspace: Workspace, small_source: SmallSource
) -> None:
    result = ingest(workspace, small_source)
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "denuncias.csv → carga 2: filas leídas 3 = cargadas 2 + en cuarentena 1" in text
    assert "cuarentena invalid-date: 1" in text
    again = flat(ingest(workspace, small_source).stdout)
    assert "denuncias.csv: ya cargado (carga 2); loaded: 0, nada cambió." in again


def test_ingest_of_several_files_reports_each_and_exits_1_when_one_is_refused(
    workspace: Workspace, small_source: SmallSource
) -> None:
    empty = small_source.folder / "vacio.csv"
    empty.write_bytes(b"")
    good = small_source.csv(ROWS)
    result = cli(
        "ingest", small_source.spec(), good, empty, "--workspace", workspace.root, "--json"
    )
    assert result.exit_code == 1
    report = as_json(result)
    assert report["ok"] is False
    assert [(f["file"], f["status"]) for f in report["files"]] == [
        ("denuncias.csv", "loaded"),
        ("vacio.csv", "failed"),
    ]
    assert report["files"][1]["error"] == "unreadable-file"
    assert report["files"][1]["message"].startswith("vacio.csv: el archivo está vacío")


def test_a_refused_file_prints_one_clear_error_and_exits_1(
    workspace: Workspace, small_source: SmallSource
) -> None:
    file = small_source.csv(ROWS, header=["numero", "fecha_registro", "a", "b", "c", "d"])
    result = cli("ingest", small_source.spec(), file, "--workspace", workspace.root)
    assert result.exit_code == 1
    assert flat(result.output).startswith(
        "Error: denuncias.csv: falta la columna «fecha» (campo «date_registration»). "
        "¿Es «fecha_registro»?"
    )
    assert isinstance(result.exception, SystemExit)


def test_loads_json_lists_every_load_with_its_counts(
    workspace: Workspace, small_source: SmallSource
) -> None:
    ingest(workspace, small_source)
    result = cli("loads", "--workspace", workspace.root, "--json")
    assert result.exit_code == 0
    loads = as_json(result)["loads"]
    assert [(x["load_id"], x["source_id"]) for x in loads] == [
        (1, "gtm/poblacion"),
        (2, "prueba/denuncias"),
    ]
    mine = loads[1]
    assert (mine["rows_in"], mine["rows_loaded"], mine["rows_quarantined"]) == (3, 2, 1)
    assert (mine["period_start"], mine["period_end"]) == ("2019-02-01", "2019-03-05")
    assert mine["superseded_by"] is None


def test_loads_shows_a_table_for_people(workspace: Workspace) -> None:
    result = cli("loads", "--workspace", workspace.root)
    assert result.exit_code == 0
    header = flat(result.stdout)
    for column in ("carga", "fuente", "leídas", "gtm/po"):
        assert column in header


def test_quarantine_csv_opens_in_excel_with_spanish_headers_row_and_reason(
    workspace: Workspace, small_source: SmallSource, tmp_path: Path
) -> None:
    ingest(workspace, small_source)
    out = tmp_path / "devolver.csv"
    result = cli("quarantine", "--workspace", workspace.root, "--csv", out)
    assert result.exit_code == 0
    assert f"1 hallazgos en cuarentena; CSV escrito en {out}" in flat(result.stdout)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:8] == [
        "carga", "fuente", "archivo", "fila", "campo", "valor", "motivo", "mensaje",
    ]  # fmt: skip
    assert len(rows) == 1
    row = rows[0]
    assert (row["archivo"], row["fila"], row["campo"], row["valor"], row["motivo"]) == (
        "denuncias.csv",
        "3",
        "fecha",
        "31/02/2019",
        "invalid-date",
    )
    assert row["mensaje"].startswith('denuncias.csv, fila 3, campo "fecha": "31/02/2019"')
    assert (row["original:numero"], row["original:delito"]) == ("A2", "Robo")


def test_quarantine_json_counts_findings_by_reason(
    workspace: Workspace, small_source: SmallSource
) -> None:
    ingest(workspace, small_source)
    result = cli("quarantine", "--workspace", workspace.root, "--json")
    report = as_json(result)
    assert (report["findings"], report["by_reason"]) == (1, {"invalid-date": 1})
    assert report["rows"][0]["raw"]["fecha"] == "31/02/2019"


def test_a_verb_outside_a_workspace_says_so_without_a_traceback(
    tmp_path: Path, cli_process: Process
) -> None:
    result = cli_process("loads", cwd=tmp_path)
    output = flat(result.stdout + result.stderr)
    assert result.returncode == 1
    assert "Traceback" not in output
    assert output == (
        f"Error: {tmp_path} no es un espacio de trabajo de Ciudadana (falta ciudadana.toml). "
        "Créelo con `ciudadana init DIR` o indique uno con --workspace DIR."
    )


def test_every_verb_on_a_workspace_says_when_it_is_not_one(tmp_path: Path) -> None:
    for verb in (["loads"], ["quarantine"], ["ingest", "gtm/ine-vif", "x.csv"]):
        result = cli(*verb, "--workspace", tmp_path)
        assert result.exit_code == 1, verb
        assert "no es un espacio de trabajo de Ciudadana" in flat(result.output), verb


def test_a_verb_outside_a_workspace_says_so_in_json_too(tmp_path: Path) -> None:
    result = cli("loads", "--workspace", tmp_path, "--json")
    assert result.exit_code == 1
    assert as_json(result)["error"] == "not-a-workspace"


def test_spec_check_of_a_broken_spec_exits_1_naming_each_line(small_source: SmallSource) -> None:
    text = small_source.spec_text.replace("  delimiter:", "  delimitr:").replace(
        "formats:", "format:"
    )
    result = cli("spec", "check", small_source.spec(text))
    assert result.exit_code == 1
    output = flat(result.output)
    assert "la especificación tiene 2 problema(s):" in output
    assert "línea 10: reader.delimitr: campo no previsto (¿error de escritura?)" in output
    assert "línea 13: fields.date_registration.format: campo no previsto" in output


def test_spec_check_of_a_good_spec_says_it_is_valid(small_source: SmallSource) -> None:
    result = cli("spec", "check", small_source.spec(), "--json")
    assert result.exit_code == 0
    assert as_json(result)["id"] == "prueba/denuncias"


def test_init_in_a_workspace_refuses_clearly_and_changes_nothing(
    workspace: Workspace, state_of: Callable[[Workspace], object]
) -> None:
    before = state_of(workspace)
    result = cli("init", workspace.root)
    assert result.exit_code == 1
    assert flat(result.output) == (
        f"Error: {workspace.root} ya es un espacio de trabajo (ciudadana.toml existe). "
        "Use otro directorio o trabaje en este con --workspace."
    )
    assert state_of(workspace) == before


def test_init_json_reports_the_reference_data_and_the_population(tmp_path: Path) -> None:
    result = cli("init", tmp_path / "pnc", "--json")
    assert result.exit_code == 0
    report = as_json(result)
    assert (report["iccs_categories"], report["territories"]) == (len(load_iccs()), 362)
    population = report["population"]
    assert population["status"] == "loaded"
    assert population["rows_in"] == population["loaded"] > 0
    assert (tmp_path / "pnc" / "ciudadana.toml").is_file()
