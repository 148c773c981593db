"""Indicators on real exports and on the simulator: INEGI's yearly national and state totals,
the INE's intrafamily-violence forms, and a synthetic Guatemala against its ground truth."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ciudadana.analysis.indicators import IndicatorRequest, compute_indicators
from ciudadana.analysis.indicators.measures import publish_round
from ciudadana.ingest import ingest_file
from ciudadana.workspace import Workspace, open_workspace

INEGI_YEARS = (1990, 2000, 2009)


def copy_of(template: Path, factory: pytest.TempPathFactory, name: str) -> Workspace:
    root = factory.mktemp(name) / "ws"
    shutil.copytree(template, root)
    return open_workspace(root)


def _number(text: str) -> int:
    return int(text.replace(",", "") or 0)


def inegi_file_totals(path: Path) -> tuple[int, dict[str, int]]:
    """The national "Total" row and the state subtotal rows ("=CONCATENAR(0,01)") of a file."""
    national, states = 0, {}
    with path.open(encoding="latin-1", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 3:
                continue
            if row[1] == "Total" and not row[0].strip():
                national = _number(row[2])
            elif row[0].startswith("=CONCATENAR"):
                code = row[0].split(",")[1].strip(" )")
                states[code.zfill(2)] = _number(row[2])
    return national, states


@pytest.fixture(scope="module")
def inegi(
    mex_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path
) -> Workspace:
    ws = copy_of(mex_template, tmp_path_factory, "inegi")
    for year in INEGI_YEARS:
        path = real_data / "mx" / "inegi-homicidios" / f"{year}.csv"
        assert ingest_file(ws, "mex/inegi-homicidios", path).quarantined == 0
    return ws


def test_inegi_yearly_national_and_state_totals_equal_the_sums_in_the_files(
    inegi: Workspace, real_data: Path
) -> None:
    national = compute_indicators(inegi, IndicatorRequest(codes=["VC_IHR_PSRC"])).rows
    states = compute_indicators(inegi, IndicatorRequest(codes=["VC_IHR_PSRC"], by=["entidad"])).rows
    for year in INEGI_YEARS:
        total, by_state = inegi_file_totals(real_data / "mx" / "inegi-homicidios" / f"{year}.csv")
        assert [r["numerator"] for r in national if r["year"] == year] == [total]
        ours = {r["territory"]: r["numerator"] for r in states if r["year"] == year}
        # the file's "Extranjero" subtotal (33) holds what the pack splits into 33, 34 and 35
        abroad = sum(ours.pop(code, 0) for code in ("33", "34", "35"))
        assert ours == {k: v for k, v in by_state.items() if k != "33"}
        assert abroad == by_state.get("33", 0)
        assert sum(ours.values()) + abroad == total


def test_without_population_rates_are_empty_and_the_missing_denominator_is_said(
    inegi: Workspace,
) -> None:
    result = compute_indicators(inegi, IndicatorRequest(codes=["VC_IHR_PSRC"], years=[2009]))
    (row,) = result.rows
    assert (row["numerator"], row["denominator"], row["value"]) == (19_803, None, None)
    assert any(n.startswith("Falta el denominador") for n in result.notes)
    (meta,) = result.indicators
    assert any("fecha de registro" in n for n in meta["notes"])  # INEGI counts by registration


@pytest.fixture(scope="module")
def vif(
    gtm_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path
) -> tuple[Workspace, list[dict[str, str]]]:
    """The first 400 forms of the INE's 2010 intrafamily-violence export."""
    ws = copy_of(gtm_template, tmp_path_factory, "vif")
    source = real_data / "gt" / "vif" / "VIF_2010.csv"
    sample = ws.root.parent / "VIF_2010_muestra.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        lines = [next(fh) for _ in range(401)]
    sample.write_text("".join(lines), encoding="utf-8")
    report = ingest_file(ws, "gtm/ine-vif", sample)
    assert report.loaded == 400, report.to_dict()
    with sample.open(encoding="utf-8", newline="") as fh:
        return ws, list(csv.DictReader(fh))


def test_every_vif_form_of_a_woman_counts_whatever_aggression_it_marks(
    vif: tuple[Workspace, list[dict[str, str]]],
) -> None:
    ws, forms = vif
    women = [f for f in forms if f["VIC_SEXO"] == "2"]
    rows = compute_indicators(ws, IndicatorRequest(codes=["VC_IFV_RATE"])).rows
    assert {r["year"]: r["numerator"] for r in rows} == {2010: len(women)}
    # a form marking sexual aggression (third flag) also counts as sexual violence
    sexual = [f for f in women if f["HEC_TIPAGRE"][2:3] == "1"]
    sx = compute_indicators(ws, IndicatorRequest(codes=["VC_SXV_RATE"], source="gtm/ine-vif")).rows
    occurred = {}
    for f in sexual:
        if f["HEC_ANO"] not in ("", "9999"):
            occurred[int(f["HEC_ANO"])] = occurred.get(int(f["HEC_ANO"]), 0) + 1
    assert {r["year"]: r["numerator"] for r in sx if r["numerator"]} == occurred


# -- the simulator against its ground truth ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    from ciudadana.demo_run import run_demo

    root = tmp_path_factory.mktemp("demo-indicadores") / "ws"
    report = run_demo(root, seed=11, persons=30_000, first_year=2019, last_year=2020, release=False)
    return open_workspace(Path(report.workspace)), Path(report.simulation) / "truth"


def _truth(sql: str, truth: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    return con.execute(sql.replace("TRUTH/", f"{truth}/")).fetchall()


def test_vif_counts_and_rates_equal_the_truth_by_department_and_year(
    demo: tuple[Workspace, Path],
) -> None:
    ws, truth = demo
    expected = {
        (year, dept): n
        for year, dept, n in _truth(
            """
            select year(fecha_registro_ine), left(codigo_municipio::varchar, 2), count(*)
            from 'TRUTH/victims.parquet'
            where visto_ine and sexo = 'mujer' and year(fecha_registro_ine) between 2019 and 2020
            group by all
            """,
            truth,
        )
    }
    exports = truth.parent / "exports"
    (pop_file,) = exports.glob("ine_poblacion_*.csv")
    women = {
        (year, dept): n
        for year, dept, n in duckdb.connect()
        .execute(
            "select anio, left(lpad(codigo_municipio::varchar, 4, '0'), 2), sum(poblacion::double) "
            "from read_csv(?, all_varchar = true) where sexo = 'mujeres' group by all",
            [str(pop_file)],
        )
        .fetchall()
    }
    women = {(int(y), d): float(n) for (y, d), n in women.items()}
    result = compute_indicators(ws, IndicatorRequest(codes=["VC_IFV_RATE"], by=["department"]))
    assert {r["source"] for r in result.rows} == {"gtm/ine-vif-departamento"}
    ours = {(r["year"], r["territory"]): r for r in result.rows if r["numerator"]}
    assert {k: r["numerator"] for k, r in ours.items()} == expected
    for key, row in ours.items():
        assert row["denominator"] == pytest.approx(women[key])
        assert row["value"] == publish_round(expected[key] / women[key] * 100_000, 1), key


def test_police_homicide_victims_equal_the_truth_of_what_the_police_recorded(
    demo: tuple[Workspace, Path],
) -> None:
    ws, truth = demo
    expected = {
        (year, dept): n
        for year, dept, n in _truth(
            """
            select
                year(coalesce(strptime(f.written_value, '%d/%m/%Y')::date, e.fecha)) as year,
                e.codigo_departamento,
                count(*)
            from 'TRUTH/record_map.parquet' as m
            join 'TRUTH/events.parquet' as e using (event_id)
            join 'TRUTH/victims.parquet' as v
                on v.event_id = m.event_id and v.person_id = m.victim_id
            left join 'TRUTH/faults.parquet' as f
                on f.source = m.source and f.row = m.row and f.kind = 'date-shift'
            where m.source = 'PNC' and not m.must_refuse and v.iccs like '0101%'
            group by all
            """,
            truth,
        )
    }
    rows = compute_indicators(
        ws, IndicatorRequest(codes=["VC_IHR_PSRC"], by=["department"], source="gtm/pnc-hechos")
    ).rows
    assert {(r["year"], r["territory"]): r["numerator"] for r in rows if r["numerator"]} == expected
    # and the national rate is the truth's count over the simulated country's population
    (pop_file,) = (truth.parent / "exports").glob("ine_poblacion_*.csv")
    people = dict(
        duckdb.connect()
        .execute(
            "select anio::integer, sum(poblacion::double) "
            "from read_csv(?, all_varchar = true) group by all",
            [str(pop_file)],
        )
        .fetchall()
    )
    national = compute_indicators(
        ws, IndicatorRequest(codes=["VC_IHR_PSRC"], source="gtm/pnc-hechos", years=[2019, 2020])
    ).rows
    for row in national:
        count = sum(n for (year, _dept), n in expected.items() if year == row["year"])
        assert row["numerator"] == count
        assert row["value"] == publish_round(count / people[row["year"]] * 100_000, 1)
