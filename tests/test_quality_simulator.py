"""The diagnosis on the simulator's exports: every kind of injected fault is found where one
source can show it; where only another record of the same person can, it is found through the
persons record linkage makes (``ciudadana demo`` links after diagnosing); the outputs (CSV for
the institution, HTML report, the verb) say it without leaking a name or a DPI."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ciudadana.cli import app
from ciudadana.demo_run import DemoReport, run_demo
from ciudadana.linkage import link_workspace
from ciudadana.quality import QualityReport, diagnose
from ciudadana.quality.evaluate import FaultScores, score_faults
from ciudadana.quality.export import write_findings_csv
from ciudadana.quality.html.render import write_html
from ciudadana.workspace import open_workspace

# Kinds one export shows on its own: found at 95 % or more.
WITHIN_ONE_SOURCE = {
    "accents-dropped",
    "age-unknown",
    "blank-required",
    "coordinates-swapped",
    "cui-formatted",
    "cui-missing",
    "cui-transposed",
    "cui-typo",
    "duplicate",
    "given-abbreviated",
    "impossible-date",
    "late-registration",
    "married-form",
    "municipality-code-invalid",
    "municipality-misspelt",
    "name-unknown",
    "second-surname-missing",
    "sex-unknown",
    "unknown-municipality",
}
# A typo is judged against every name the warehouse holds: the more records, the surer. On
# this small run (a few hundred rows per export) most are found; on the 1,000,000-person demo
# 97.6 % (docs/quality.md).
CORPUS = {"typo"}
# Kinds only another record of the same person shows (an age a year off, a date two days
# off, a missing second given name, swapped surnames): found where an exact key (a valid DPI
# or a case reference) or person linkage ties the record to another that shows it.
ACROSS_SOURCES = {"age-off", "date-shift", "second-given-missing", "surnames-swapped"}
# Recall among the faults another current record could show ("comparable", evaluate.py): the
# issue's 0.95 per kind. On this run (seed 11, 30,000 persons) 7 of 7, 5 of 5, 15 of 15 and 8 of
# 8; on the 1,000,000-person demo 0.960, 0.964, 0.982, 0.996 (bench/RESULTS_quality.md).
LINKED_FLOOR = {
    "age-off": 0.95,
    "date-shift": 0.95,
    "second-given-missing": 0.95,
    "surnames-swapped": 0.95,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    root = tmp_path_factory.mktemp("calidad-demo") / "ws"
    return run_demo(root, seed=11, persons=30_000, first_year=2019, last_year=2020)


@pytest.fixture(scope="module")
def report(demo: DemoReport) -> QualityReport:
    return diagnose(open_workspace(Path(demo.workspace)))


@pytest.fixture(scope="module")
def scores(demo: DemoReport, report: QualityReport) -> FaultScores:
    return score_faults(open_workspace(Path(demo.workspace)), Path(demo.simulation) / "truth")


@pytest.fixture(scope="module")
def secrets(demo: DemoReport) -> tuple[set[str], set[str]]:
    """The DPI numbers and full names of every person who appears in an export."""
    truth = Path(demo.simulation) / "truth"
    con = duckdb.connect()
    rows = con.execute(
        f"""
        select p.cui, p.nombre1 || ' ' || p.apellido1
        from '{truth / "persons.parquet"}' as p
        where p.person_id in (
            select victim_id from '{truth / "record_map.parquet"}'
            union select aggressor_id from '{truth / "record_map.parquet"}'
        )
        """
    ).fetchall()
    return {r[0] for r in rows}, {r[1].upper() for r in rows}


def test_every_kind_one_source_shows_is_found_at_95_percent(scores: FaultScores) -> None:
    low = {
        k["kind"]: (k["found"], k["faults"])
        for k in scores.kinds
        if k["kind"] in WITHIN_ONE_SOURCE and k["faults"] >= 5 and k["recall"] < 0.95
    }
    assert low == {}
    assert {k["kind"] for k in scores.kinds} <= WITHIN_ONE_SOURCE | CORPUS | ACROSS_SOURCES


def test_typos_are_found_against_the_names_of_every_record(scores: FaultScores) -> None:
    assert scores.recall["typo"] >= 0.75


def test_kinds_only_another_record_shows_are_found_through_the_linked_persons(
    scores: FaultScores,
) -> None:
    by_kind = {k["kind"]: k for k in scores.kinds}
    for kind, floor in LINKED_FLOOR.items():
        k = by_kind[kind]
        assert k["recall_comparable"] >= floor, k
        assert k["recall"] > k["exact_key"], k  # beyond what exact keys alone could tie


def test_what_only_linked_records_show_is_mostly_a_real_fault(scores: FaultScores) -> None:
    # 50 of 70 on this run (0.71); on the 1,000,000-person demo 0.75. Most of the rest is the
    # other record of a pair that disagrees: with two records, both are named.
    assert scores.linked["findings"] >= 50
    assert scores.linked["precision"] >= 0.65


def test_the_demo_ends_with_the_linked_findings_and_a_diagnosis_keeps_them(
    demo: DemoReport, report: QualityReport
) -> None:
    added = demo.linkage["quality"]
    assert added["findings"] > 0 and added["link_run_id"] == demo.linkage["runs"][-1]["run_id"]
    con = duckdb.connect(str(Path(demo.workspace) / "almacen.duckdb"), read_only=True)
    kept = con.execute(
        "select count(*), count(distinct (load_id, row_number, field)) from quality_findings "
        "where link_run_id = ? and rule = 'same-person-differs'",
        [added["link_run_id"]],
    ).fetchall()
    assert kept == [(added["findings"], added["findings"])]
    assert report.by_rule["same-person-differs"] > added["findings"]


def test_linking_again_replaces_the_linked_findings_without_duplicating_them(
    demo: DemoReport, report: QualityReport, tmp_path: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(demo.workspace, copy)
    ws = open_workspace(copy)
    sql = (
        "select field, count(*), count(distinct (load_id, row_number)), max(link_run_id) "
        "from quality_findings where link_run_id is not null group by field order by field"
    )
    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    before = con.execute(sql).fetchall()
    con.close()
    again = link_workspace(ws)
    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    after = con.execute(sql).fetchall()
    con.close()
    run = again.runs[-1]["run_id"]
    assert [r[:3] for r in after] == [r[:3] for r in before]
    assert all(n == rows for _, n, rows, _ in after) and {r[3] for r in after} == {run}


def test_a_linked_finding_never_carries_a_name_or_a_dpi(
    demo: DemoReport, report: QualityReport, secrets: tuple[set[str], set[str]]
) -> None:
    cuis, names = secrets
    con = duckdb.connect(str(Path(demo.workspace) / "almacen.duckdb"), read_only=True)
    rows = con.execute(
        "select field, value, detail from quality_findings where link_run_id is not null"
    ).fetchall()
    assert rows
    personal = [r for r in rows if r[0].endswith(("name", "names", "surnames")) and r[1]]
    assert personal == []
    text = " ".join(f"{v or ''} {d or ''}" for _, v, d in rows).upper()
    assert not set(re.findall(r"\d{13}", text)) & cuis
    assert [n for n in names if n in text] == []


def test_the_rules_made_for_one_kind_of_fault_are_precise(scores: FaultScores) -> None:
    precise = {
        "name-accents",
        "name-abbreviated",
        "invalid-id-number",
        "exact-duplicate",
        "registration-lag",
        "territory-approximate",
        "married-form",
    }
    low = {
        r["rule"]: r["precision"]
        for r in scores.rules
        if r["rule"] in precise and r["findings"] >= 5 and r["precision"] < 0.95
    }
    assert low == {}


def test_every_current_load_has_a_score_per_dimension_it_can_be_judged_on(
    report: QualityReport,
) -> None:
    by_source = {s.source_id: s for s in report.loads}
    pnc = by_source["gtm/pnc-hechos"]
    assert {"completeness", "validity", "consistency", "uniqueness"} <= set(pnc.scores)
    assert all(v is None or 0 <= v <= 1 for s in report.loads for v in s.scores.values())
    assert report.findings == sum(report.by_rule.values())


def test_the_csv_for_the_institution_names_file_sheet_row_and_column(
    demo: DemoReport, report: QualityReport, tmp_path: Path
) -> None:
    ws = open_workspace(Path(demo.workspace))
    path = tmp_path / "devolver_mp.csv"
    n = write_findings_csv(ws, path, source_id="gtm/mp-denuncias")
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) > 0
    assert {r["archivo"] for r in rows} == {"mp_denuncias_2019_2020.xlsx"}
    labelled = [r["fila"] for r in rows if r["fila"]]
    assert all(re.fullmatch(r"hoja «20\d\d», fila \d+", f) for f in labelled)
    dpi = [r for r in rows if r["regla"] == "invalid-id-number"]
    assert dpi and all(r["columna"].endswith("DPI") and r["valor"] for r in dpi)


def test_the_html_report_holds_no_name_and_no_dpi_number(
    demo: DemoReport, report: QualityReport, secrets: tuple[set[str], set[str]], tmp_path: Path
) -> None:
    ws = open_workspace(Path(demo.workspace))
    html = write_html(ws, tmp_path / "calidad.html").read_text("utf-8")
    cuis, names = secrets
    numbers = set(re.findall(r"\d{13}", html)) | set(re.findall(r"\d{4} \d{5} \d{4}", html))
    assert not numbers & cuis
    upper = html.upper()
    assert [n for n in names if n in upper] == []


def test_the_html_report_renders_its_figures_in_a_browser(
    demo: DemoReport, report: QualityReport, tmp_path: Path, page
) -> None:
    ws = open_workspace(Path(demo.workspace))
    path = write_html(ws, tmp_path / "calidad.html")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path.resolve().as_uri())
    assert page.get_by_role("heading", name="Calidad del dato").is_visible()
    for heading in (
        "Completitud por campo y mes",
        "Cobertura territorial",
        "Oportunidad",
        "Consistencia entre fuentes",
    ):
        assert page.get_by_role("heading", name=heading).first.is_visible()
    assert page.locator("svg.figure").count() >= 10
    box = page.locator("#coverage svg.figure").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    shot = tmp_path / "calidad.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000


def test_the_report_speaks_english_when_asked(
    demo: DemoReport, report: QualityReport, tmp_path: Path
) -> None:
    ws = open_workspace(Path(demo.workspace))
    html = write_html(ws, tmp_path / "quality.html", lang="en").read_text("utf-8")
    assert "<h1>Data quality</h1>" in html and 'lang="en"' in html


def test_the_verb_diagnoses_and_writes_both_files_in_json(
    demo: DemoReport, report: QualityReport, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "quality",
            "-w",
            demo.workspace,
            "--source",
            "gtm/pnc-hechos",
            "--json",
            "--csv",
            str(tmp_path / "pnc.csv"),
            "--html",
            str(tmp_path / "pnc.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] and [s["source_id"] for s in data["loads"]] == ["gtm/pnc-hechos"]
    assert data["csv_rows"] > 0 and Path(data["html"]).exists()
    assert set(data["loads"][0]["scores"]) >= {"completeness", "validity"}


def test_the_verb_prints_a_scorecard_for_people(demo: DemoReport, report: QualityReport) -> None:
    result = CliRunner().invoke(app, ["quality", "-w", demo.workspace, "--load", "2"])
    assert result.exit_code == 0, result.output
    assert "puntaje por carga" in result.output and "Completitud" in result.output
