"""`ciudadana indicators`: the catalogue, a table on screen, CSV, Parquet and JSON that say the
same thing, and errors that say what to type."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ciudadana.analysis.indicators import OUTPUT_COLUMNS
from ciudadana.cli import app
from ciudadana.ingest import ingest_file
from ciudadana.workspace import Workspace, open_workspace

SPEC = """\
id: prueba/pnc
title: Policía de prueba
institution: PNC
country: GTM
unit: victim
date_semantics: occurrence
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: numero, required: true}
  date_occurrence: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  territory: {column: municipio, parse: territory, level: 2}
  offence: {column: delito, map: {Homicidio: "0101", Femicidio: "0101.01"}}
victim:
  sex: {column: sexo, map: {Mujer: female, Hombre: male}}
  age: {column: edad, parse: integer}
"""
ROWS = [
    ("numero", "fecha", "municipio", "delito", "sexo", "edad"),
    (1, "05/01/2015", "0101", "Homicidio", "Hombre", 25),
    (2, "06/01/2015", "0101", "Femicidio", "Mujer", 30),
    (3, "07/05/2016", "0502", "Homicidio", "Hombre", 19),
]

runner = CliRunner()


@pytest.fixture(scope="module")
def ws(gtm_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("cli-indicadores") / "ws"
    shutil.copytree(gtm_template, root)
    workspace = open_workspace(root)
    spec, data = root.parent / "pnc.yaml", root.parent / "pnc.csv"
    spec.write_text(SPEC, encoding="utf-8")
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(ROWS)
    assert ingest_file(workspace, spec, data).loaded == 3
    return workspace


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout


def test_the_catalogue_is_listed_with_codes_and_json() -> None:
    code, text = invoke("indicators", "list")
    assert code == 0 and "VC_IHR_PSRC" in text and "Femicidio" not in text.split("VC_FEM")[0]
    code, text = invoke("indicators", "list", "--json", "--lang", "en")
    data = json.loads(text)
    assert [i["code"] for i in data["indicators"]][:2] == ["VC_IHR_PSRC", "VC_FEM_RATE"]
    assert data["indicators"][0]["name"].startswith("Victims of intentional homicide")


def test_a_table_on_screen_with_intervals_instability_and_the_population_warning(
    ws: Workspace,
) -> None:
    code, text = invoke(
        "indicators", "-w", str(ws.root), "-i", "VC_IHR_PSRC", "--by", "sex", "--year", "2015"
    )
    assert code == 0, text
    assert "VC_IHR_PSRC" in text and "female" in text and "inestable" in text
    assert "censo de 2002" in text


def test_csv_parquet_and_json_say_the_same_thing(ws: Workspace, tmp_path: Path) -> None:
    csv_path, parquet_path = tmp_path / "out" / "i.csv", tmp_path / "i.parquet"
    code, text = invoke(
        "indicators",
        "-w",
        str(ws.root),
        "-i",
        "VC_IHR_PSRC,VC_FEM_RATE",
        "--by",
        "department",
        "--year",
        "2015-2016",
        "--csv",
        str(csv_path),
        "--parquet",
        str(parquet_path),
        "--json",
    )
    assert code == 0, text
    data = json.loads(text)
    assert data["ok"] is True and data["csv"] == str(csv_path)
    rows = data["rows"]
    assert {r["indicator"] for r in rows} == {"VC_IHR_PSRC", "VC_FEM_RATE"}
    assert {r["year"] for r in rows} == {2015, 2016}
    with csv_path.open(encoding="utf-8") as fh:
        read = list(csv.DictReader(fh))
    assert list(read[0]) == list(OUTPUT_COLUMNS)
    assert len(read) == len(rows)
    table = pq.read_table(parquet_path)
    assert table.column_names == list(OUTPUT_COLUMNS) and table.num_rows == len(rows)
    first = next(r for r in rows if r["territory"] == "01" and r["year"] == 2015)
    again = next(
        r
        for r in read
        if r["territory"] == "01" and r["year"] == "2015" and r["indicator"] == first["indicator"]
    )
    assert again["territory"] == "01"  # the code keeps its zero
    assert float(again["value"]) == first["value"] and int(again["numerator"]) == first["numerator"]
    assert b"censo de 2002" in table.schema.metadata[b"ciudadana.notes"]


def test_errors_say_what_to_type_instead(ws: Workspace) -> None:
    code, text = invoke("indicators", "-w", str(ws.root), "-i", "HOMICIDIOS", "--json")
    assert code == 1
    error = json.loads(text)
    assert error["error"] == "unknown-indicator" and "VC_IHR_PSRC" in error["message"]
    code, text = invoke("indicators", "-w", str(ws.root), "--year", "dos mil", "--json")
    assert code == 1 and json.loads(text)["error"] == "invalid-year"
    code, text = invoke("indicators", "borrar", "-w", str(ws.root), "--json")
    assert code == 1 and "list" in json.loads(text)["message"]
