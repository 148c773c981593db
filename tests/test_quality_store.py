"""Findings and scores in the warehouse: one transaction per diagnosis, a load diagnosed again
replaces its findings, and each delivery's scores sit beside the previous one's."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ciudadana.quality import diagnose
from ciudadana.quality.checks.names import NameTypo
from ciudadana.workspace import Workspace
from test_quality_dimensions import load, row

Query = Callable[..., list[tuple[object, ...]]]


def test_diagnosing_a_load_again_replaces_its_findings_and_keeps_the_run_history(
    workspace: Workspace, query: Query
) -> None:
    load_id = load(workspace, [row(n, sexo="" if n % 2 else "Mujer") for n in range(2, 12)])
    first = diagnose(workspace)
    count = query(workspace, "select count(*) from quality_findings where load_id = ?", [load_id])
    second = diagnose(workspace)
    assert second.run_id == first.run_id + 1
    assert (
        query(workspace, "select count(*) from quality_findings where load_id = ?", [load_id])
        == count
    )
    assert query(workspace, "select count(*) from quality_runs") == [(2,)]
    assert query(workspace, "select distinct run_id from quality_findings") == [(second.run_id,)]


def test_a_diagnosis_that_fails_halfway_changes_nothing(
    workspace: Workspace, query: Query, state_of, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(workspace, [row(n) for n in range(2, 8)])
    diagnose(workspace)
    before = state_of(workspace)

    def boom(self, ctx) -> None:  # noqa: ANN001
        raise RuntimeError("se cortó la luz")

    monkeypatch.setattr(NameTypo, "run", boom)
    with pytest.raises(RuntimeError):
        diagnose(workspace)
    assert state_of(workspace) == before


def test_the_next_delivery_of_a_source_shows_whether_it_improved(
    workspace: Workspace, query: Query
) -> None:
    january = [
        row(n, fecha_hecho="05/01/2020", fecha_registro="06/01/2020", sexo="" if n < 6 else "Mujer")
        for n in range(2, 22)
    ]
    february = [row(n, fecha_hecho="05/02/2020", fecha_registro="06/02/2020") for n in range(2, 22)]
    first = load(workspace, january, "prueba/mensual", "enero")
    second = load(workspace, february, "prueba/mensual", "febrero")
    report = diagnose(workspace)
    feb = report.load(second)
    assert feb.previous_load_id == first
    assert feb.change("completeness") > 0
    trend = query(
        workspace,
        "select load_id, previous_score is null, change > 0 from quality_trend "
        "where source_id = 'prueba/mensual' and dimension = 'completeness' order by load_id",
    )
    assert trend == [(first, True, None), (second, False, True)]
