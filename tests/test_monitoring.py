"""Policy monitoring: baselines and targets, the expected path, progress, traffic lights and
the Poisson trend, on a warehouse whose homicides fall 8 % a year."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ciudadana.analysis.indicators import IndicatorRequest, compute_indicators
from ciudadana.analysis.indicators.measures import publish_round
from ciudadana.cli import app
from ciudadana.errors import CiudadanaError
from ciudadana.ingest import ingest_file
from ciudadana.monitoring import (
    InvalidPolicy,
    load_policy,
    monitor_policy,
    poisson_trend,
    shipped_policies,
)
from ciudadana.monitoring.evaluate import expected_value, progress, traffic_light
from ciudadana.workspace import Workspace, open_workspace

SPEC = """\
id: prueba/inacif
title: Necropsias de prueba
institution: INACIF
country: GTM
unit: victim
date_semantics: occurrence
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: registro, required: true}
  date_occurrence: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  territory: {column: municipio, parse: territory, level: 2}
  offence: {value: "0101", parse: iccs}
victim:
  sex: {column: sexo, map: {M: male, F: female}}
"""
YEARS = range(2013, 2021)
HOMICIDES = {year: round(400 * 0.92 ** (year - 2013)) for year in YEARS}

POLICY = """\
id: prueba/politica
title: {es: Política de prueba, en: Test policy}
country: GTM
targets:
  - indicator: VC_IHR_PSRC
    territory: GTM
    baseline: {year: 2016}
    target: {year: 2024, change: -30}
  - indicator: VC_IHR_PSRC
    territory: "01"
    baseline: {year: 2016, value: 2.0}
    target: {year: 2020, value: 1.0}
  - indicator: VC_VDW_RATE
    territory: GTM
    baseline: {year: 2016}
    target: {year: 2024, change: -10}
"""


@pytest.fixture(scope="module")
def ws(gtm_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("monitoreo") / "ws"
    shutil.copytree(gtm_template, root)
    workspace = open_workspace(root)
    spec, data = root.parent / "inacif.yaml", root.parent / "inacif.csv"
    spec.write_text(SPEC, encoding="utf-8")
    rng = np.random.default_rng(3)
    with data.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(("registro", "fecha", "municipio", "sexo"))
        for year, n in HOMICIDES.items():
            for i in range(n):
                place = "0101" if i % 2 else "0501"
                sex = "F" if rng.random() < 0.12 else "M"
                out.writerow(
                    (f"{year}-{i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year}", place, sex)
                )
    assert ingest_file(workspace, spec, data).quarantined == 0
    return workspace


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "politica.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


PATHS = [
    {"description": "halfway", "args": (30.0, 20.0, 2016, 2026, 2021), "expected": 25.0},
    {
        "description": "before the baseline",
        "args": (30.0, 20.0, 2016, 2026, 2014),
        "expected": 30.0,
    },
    {"description": "after the target", "args": (30.0, 20.0, 2016, 2026, 2030), "expected": 20.0},
]


@pytest.mark.parametrize("case", PATHS, ids=lambda c: c["description"])
def test_the_expected_value_follows_the_straight_path(case: dict) -> None:
    assert expected_value(*case["args"]) == case["expected"]


LIGHTS = [
    {
        "description": "on the path",
        "args": (30.0, 25.0, 25.0),
        "decrease": True,
        "expected": "green",
    },
    {"description": "ahead", "args": (30.0, 25.0, 22.0), "decrease": True, "expected": "green"},
    {"description": "behind", "args": (30.0, 25.0, 27.0), "decrease": True, "expected": "amber"},
    {"description": "no better", "args": (30.0, 25.0, 31.0), "decrease": True, "expected": "red"},
    {
        "description": "rising goal",
        "args": (10.0, 15.0, 16.0),
        "decrease": False,
        "expected": "green",
    },
    {
        "description": "rising, behind",
        "args": (10.0, 15.0, 12.0),
        "decrease": False,
        "expected": "amber",
    },
]


@pytest.mark.parametrize("case", LIGHTS, ids=lambda c: c["description"])
def test_traffic_lights(case: dict) -> None:
    assert traffic_light(*case["args"], decrease=case["decrease"]) == case["expected"]


def test_tolerance_and_progress() -> None:
    assert traffic_light(30.0, 25.0, 25.4, decrease=True, tolerance=0.5) == "green"
    assert progress(30.0, 20.0, 27.5) == 25.0
    assert progress(30.0, 20.0, 33.0) == -30.0
    assert progress(30.0, 30.0, 25.0) is None


def test_a_geometric_series_gives_its_exact_yearly_change() -> None:
    trend = poisson_trend([2016, 2017, 2018, 2019], [1000, 900, 810, 729], [1e6] * 4)
    assert trend is not None
    assert trend.annual_change == pytest.approx(-0.10, abs=1e-9)
    assert trend.direction == "down" and trend.scale == 1.0 and trend.method == "poisson"
    assert trend.lower < -0.10 < trend.upper < 0


def test_overdispersed_counts_widen_the_trend_interval() -> None:
    years, counts = [2015, 2016, 2017, 2018, 2019], [10, 30, 5, 40, 2]
    trend = poisson_trend(years, counts, [1e6] * 5)
    assert trend is not None and trend.method == "quasi-poisson" and trend.scale > 5
    assert trend.direction == "flat"
    assert poisson_trend([2018, 2019], [5, 3], [1e6, 1e6]) is None  # too little to say


def test_the_monitoring_table_of_a_policy(ws: Workspace, policy_file: Path) -> None:
    report = monitor_policy(ws, policy_file)
    national, department, women = report.rows
    series = {
        r["year"]: r for r in compute_indicators(ws, IndicatorRequest(codes=["VC_IHR_PSRC"])).rows
    }
    base = series[2016]["value"]
    assert (national["baseline"], national["target"]) == (base, publish_round(base * 0.7, 1))
    assert (national["latest_year"], national["latest"]) == (2020, series[2020]["value"])
    expected = expected_value(base, national["target"], 2016, 2024, 2020)
    assert national["expected"] == publish_round(expected, 1)
    assert national["progress"] == publish_round(
        progress(base, national["target"], series[2020]["value"]), 1
    )
    assert national["status"] == traffic_light(base, expected, series[2020]["value"], decrease=True)
    assert national["trend"]["direction"] == "down"
    assert -0.12 < national["trend"]["annual_change"] < -0.05  # 8 % fewer homicides a year
    # a department whose baseline, given by hand, the data are above: no better than it
    assert (department["baseline"], department["target"]) == (2.0, 1.0)
    assert department["latest"] > 2.0 and department["status"] == "red"
    assert department["territory_name"] == "Guatemala"
    assert women["sex"] == "female" and women["status"] in {"green", "amber", "red"}
    assert any("censo de 2002" in n for n in report.notes)


def test_without_a_policy_the_shipped_example_is_used_and_said(ws: Workspace) -> None:
    assert "gtm-ejemplo" in shipped_policies()
    report = monitor_policy(ws)
    assert report.policy == "gtm/ejemplo"
    assert report.notes[0].startswith("Política de ejemplo")


def test_a_bad_policy_lists_every_problem(tmp_path: Path, ws: Workspace) -> None:
    path = tmp_path / "mala.yaml"
    path.write_text(
        POLICY.replace("change: -30", "change: -30, value: 3").replace("VC_VDW_RATE", "NADA"),
        encoding="utf-8",
    )
    with pytest.raises(InvalidPolicy) as error:
        load_policy(path)
    assert "targets[0].target" in error.value.message
    path.write_text(POLICY.replace("VC_VDW_RATE", "NADA"), encoding="utf-8")
    with pytest.raises(InvalidPolicy, match=r"targets\[2\].indicator: «NADA»"):
        load_policy(path)
    path.write_text(POLICY.replace('"01"', '"9999"'), encoding="utf-8")
    with pytest.raises(CiudadanaError, match="9999"):
        monitor_policy(ws, path)
    with pytest.raises(InvalidPolicy, match="gtm-ejemplo"):
        load_policy("no-existe")


def test_ciudadana_monitor_prints_the_table_and_json(ws: Workspace, policy_file: Path) -> None:
    runner = CliRunner()
    args = ["monitor", "-w", str(ws.root), "--policy", str(policy_file)]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Política de prueba" in result.stdout and "semáforo" in result.stdout
    result = runner.invoke(app, [*args, "--json"])
    data = json.loads(result.stdout)
    assert data["ok"] is True and len(data["rows"]) == 3
    assert data["rows"][0]["status_label"] in {"verde", "amarillo", "rojo"}
