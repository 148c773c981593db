"""The diagnosis on INE Guatemala's real VIF exports of 2009 and 2010 (gtm/ine-vif): what it
finds, and how the two years compare."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ciudadana.ingest import ingest_file
from ciudadana.quality import QualityReport, diagnose
from ciudadana.workspace import Workspace, open_workspace

Query = Callable[..., list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def vif(
    gtm_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path
) -> tuple[Workspace, dict[str, int], QualityReport]:
    root = tmp_path_factory.mktemp("vif-calidad") / "ws"
    shutil.copytree(gtm_template, root)
    ws = open_workspace(root)
    ids = {}
    for year in ("2009", "2010"):
        report = ingest_file(ws, "gtm/ine-vif", real_data / "gt" / "vif" / f"VIF_{year}.csv")
        assert report.load_id is not None
        ids[year] = report.load_id
    return ws, ids, diagnose(ws, source_id="gtm/ine-vif")


def score(
    query: Query, ws: Workspace, load_id: int, rule: str, field: str | None = None
) -> tuple[int, int]:
    (checked, failed) = query(
        ws,
        "select checked, failed from quality_scores where load_id = ? and period is null "
        "and rule = ? and field is not distinct from ?",
        [load_id, rule, field],
    )[0]
    return int(checked), int(failed)


def test_the_share_of_invalid_municipality_codes_per_year(vif, query: Query) -> None:
    ws, ids, _ = vif
    assert score(query, ws, ids["2009"], "unknown-territory", "territory") == (31497, 91)
    assert score(query, ws, ids["2010"], "unknown-territory", "territory") == (32017, 246)


def test_2010_is_scored_beside_2009_as_its_previous_delivery(vif) -> None:
    _, ids, report = vif
    later = report.load(ids["2010"])
    assert later.previous_load_id == ids["2009"]
    assert later.change("validity") < 0  # more invalid municipality codes in 2010
    assert all(0.9 < later.scores[d] <= 1 for d in ("completeness", "validity", "uniqueness"))


def test_children_recorded_as_married_or_in_a_union_are_found(vif, query: Query) -> None:
    ws, ids, _ = vif
    checked, failed = score(query, ws, ids["2009"], "minor-married", "victim.marital_status")
    assert checked == 31398 and 600 < failed < 900


def test_completeness_counts_the_unknown_markers_as_missing(vif, query: Query) -> None:
    ws, ids, _ = vif
    checked, failed = score(query, ws, ids["2009"], "missing-value", "area")
    assert (checked, failed) == (31398, 3081)  # HEC_AREA = 9 or blank
