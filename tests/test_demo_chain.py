"""The simulator's truth and the warehouse agree where they must, after `ciudadana demo`."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ciudadana.cli import app
from ciudadana.demo_run import DEMO_SPECS, DemoReport, run_demo
from ciudadana.ingest.readers import SHEET_ROWS
from ciudadana.standards.iccs import load_iccs

SOURCE_OF_SPEC = {
    "gtm/pnc-hechos": "PNC",
    "gtm/mp-denuncias": "MP",
    "gtm/inacif-necropsias": "INACIF",
    "gtm/oj-casos": "OJ",
    "gtm/oj-medidas": "OJ-MEDIDAS",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    root = tmp_path_factory.mktemp("demo") / "ws"
    return run_demo(root, seed=7, persons=30_000, first_year=2019, last_year=2020, release=False)


def warehouse(report: DemoReport) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(report.workspace) / "almacen.duckdb"), read_only=True)


def truth(report: DemoReport, name: str) -> str:
    return f"'{Path(report.simulation) / 'truth' / name}'"


def test_every_export_is_ingested_with_rows_in_equal_to_loaded_plus_quarantined(
    demo: DemoReport,
) -> None:
    specs = [r["source_id"] for r in demo.loads]
    assert len(demo.loads) == len(DEMO_SPECS)
    assert {"gtm/pnc-hechos", "gtm/mp-denuncias", "gtm/ine-vif-departamento"} <= set(specs)
    for load in demo.loads:
        assert load["status"] == "loaded"
        assert load["rows_in"] == load["loaded"] + load["quarantined"], load["file"]


def _refused_in_truth(con: duckdb.DuckDBPyConnection, demo: DemoReport, source: str) -> set[int]:
    rows = con.execute(
        f"select sheet, row from {truth(demo, 'record_map.parquet')} "
        "where source = ? and must_refuse",
        [source],
    ).fetchall()
    if source == "MP":  # a workbook read whole: sheet k's row r is stored as k * 1e6 + r
        sheets = sorted(
            {
                s
                for (s,) in con.execute(
                    f"select distinct sheet from {truth(demo, 'record_map.parquet')} "
                    "where source = 'MP'"
                ).fetchall()
            }
        )
        return {(sheets.index(s) + 1) * SHEET_ROWS + r for s, r in rows}
    return {r for _, r in rows}


def test_exactly_the_rows_the_simulator_made_unacceptable_are_quarantined(
    demo: DemoReport,
) -> None:
    con = warehouse(demo)
    for load in demo.loads:
        source = SOURCE_OF_SPEC.get(load["source_id"])
        if source is None:
            continue
        quarantined = {
            r
            for (r,) in con.execute(
                "select row_number from restricted.quarantine where load_id = ?", [load["load_id"]]
            ).fetchall()
        }
        assert quarantined == _refused_in_truth(con, demo, source), source


def test_every_police_victim_row_is_in_the_warehouse_once_with_its_offence_and_municipality(
    demo: DemoReport,
) -> None:
    con = warehouse(demo)
    (load_id,) = con.execute(
        "select load_id from loads where source_id = 'gtm/pnc-hechos'"
    ).fetchone()
    con.execute(
        f"""
        create temp table expected as
        select m.row, e.codigo_municipio as municipality, v.iccs as true_iccs
        from {truth(demo, "record_map.parquet")} as m
        join {truth(demo, "events.parquet")} as e using (event_id)
        join {truth(demo, "victims.parquet")} as v
            on v.event_id = m.event_id and v.person_id = m.victim_id
        where m.source = 'PNC' and not m.must_refuse
        """
    )
    rows = con.execute(
        """
        select x.row, x.municipality, x.true_iccs, w.territory_code, w.iccs_code
        from expected as x
        left join events as w on w.load_id = ? and w.row_number = x.row
        """,
        [load_id],
    ).fetchall()
    (loaded,) = con.execute("select count(*) from events where load_id = ?", [load_id]).fetchone()
    assert loaded == len(rows)
    iccs = load_iccs()
    missing = [r for r in rows if r[3] is None]
    wrong_place = [r for r in rows if r[3] is not None and r[3] != r[1]]
    # The police record a femicide as a homicide: the truth must lie within what they coded.
    wrong_offence = [r for r in rows if r[4] is not None and not iccs.is_within(r[2], r[4])]
    assert missing == []
    assert wrong_place == []
    assert wrong_offence == []


def test_names_and_identity_numbers_live_only_in_the_restricted_schema(demo: DemoReport) -> None:
    con = warehouse(demo)
    (names,) = con.execute(
        "select count(*) from restricted.person_identity where full_name is not null "
        "or given_names is not null"
    ).fetchone()
    assert names > 300
    public_columns = {
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'main' "
            "and table_name <> 'territories'"  # municipal centroids are public
        ).fetchall()
    }
    assert not public_columns & {"full_name", "given_names", "surnames", "id_number", "lat"}


def test_the_demo_again_with_the_same_seed_changes_nothing(demo: DemoReport) -> None:
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--workspace",
            demo.workspace,
            "--seed",
            "7",
            "--persons",
            "30000",
            "--first-year",
            "2019",
            "--last-year",
            "2020",
            "--no-serve",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["status"] for r in data["loads"]} == {"already-loaded"}
    assert data["loaded"] == 0


def test_no_name_or_identity_number_reaches_the_unrestricted_tables(demo: DemoReport) -> None:
    con = warehouse(demo)
    personal = {
        v
        for (v,) in con.execute(
            """
            select unnest([full_name, given_names, surnames, id_number])
            from restricted.person_identity
            """
        ).fetchall()
        if v and len(v) > 3
    }
    personal |= {
        f"{p[0]} {p[1]}"
        for p in con.execute(
            f"select nombre1, apellido1 from {truth(demo, 'persons.parquet')} "
            "where veces_victima > 0 or veces_agresor > 0"
        ).fetchall()
    }
    text_columns = con.execute(
        """
        select table_name, column_name
        from information_schema.columns
        where table_schema = 'main' and data_type = 'VARCHAR'
          and table_name not in ('territories', 'iccs')
        """
    ).fetchall()
    personal = {p.upper() for p in personal}
    assert any(len(p) == 13 and p.isdigit() for p in personal), "the demo has DPI numbers"
    leaks = []
    for table, column in text_columns:
        values = con.execute(f'select distinct "{column}" from "{table}"').fetchall()
        for (value,) in values:
            if value and any(p in value.upper() for p in personal):
                leaks.append((table, column, value))
    assert leaks == []


def test_every_fact_row_is_unique_by_load_and_row(demo: DemoReport) -> None:
    con = warehouse(demo)
    keys = {
        "events": "load_id, row_number",
        "event_offences": "load_id, row_number, iccs_code",
        "persons": "load_id, row_number, role",
        "restricted.person_identity": "load_id, row_number, role",
        "restricted.quarantine": "load_id, row_number",
        "aggregates": "load_id, row_number, cell",
        "population": "load_id, row_number",
    }
    for table, key in keys.items():
        (total, distinct) = con.execute(
            f"select count(*), count(distinct ({key})) from {table}"
        ).fetchone()
        assert total == distinct > 0, table
