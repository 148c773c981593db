"""Records that person linkage ties together and that disagree join the diagnosis: the rule
``same-person-differs`` over the linked persons, marked with the linkage run, counted in the
scores, replaced (never duplicated) by the next run, kept by a later diagnosis, and holding no
name. The persons are handed in as linkage hands them (``ciudadana.linkage.discrepancies``)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

from ciudadana.quality import diagnose
from ciudadana.quality.linked import GROUPS, compare_linked
from ciudadana.workspace import Workspace
from test_quality_dimensions import flat, load, row

Query = Callable[..., list[tuple[object, ...]]]

# One man in two sources, no identity number in either (nothing ties them but linkage): the
# police write him twice (March and June, 30 years old), the forensic institute once, in March,
# 33 years old and with one given name.
POLICE = [
    row(2, delito="Homicidio", dpi="", edad="30", nombres="JUAN CARLOS",
        apellidos="PÉREZ LÓPEZ", sexo="Hombre", fecha_hecho="10/03/2020",
        fecha_registro="10/03/2020"),
    row(3, delito="Lesiones", dpi="", edad="30", nombres="JUAN CARLOS",
        apellidos="PÉREZ LÓPEZ", sexo="Hombre", fecha_hecho="20/06/2020",
        fecha_registro="20/06/2020"),
    row(4, dpi=""),
]  # fmt: skip
FORENSIC = [
    row(2, delito="Homicidio", dpi="", edad="33", nombres="JUAN", apellidos="PÉREZ LÓPEZ",
        sexo="Hombre", fecha_hecho="10/03/2020", fecha_registro="10/03/2020"),
    row(3, dpi=""),
]  # fmt: skip


@pytest.fixture
def two_sources(workspace: Workspace) -> tuple[Workspace, int, int]:
    police = load(workspace, POLICE, "prueba/policia", "policia")
    forensic = load(workspace, FORENSIC, "prueba/forense", "forense")
    diagnose(workspace)
    return workspace, police, forensic


def persons(police: int, forensic: int) -> pa.Table:
    """What a person linkage run would hand over: the three records are one man."""
    return pa.Table.from_pylist(
        [
            {"load_id": police, "row_number": 2, "role": "victim", "person_id": "P0000001"},
            {"load_id": police, "row_number": 3, "role": "victim", "person_id": "P0000001"},
            {"load_id": forensic, "row_number": 2, "role": "victim", "person_id": "P0000001"},
        ],
        schema=GROUPS,
    )


def linked(query: Query, ws: Workspace) -> list[tuple[object, ...]]:
    return query(
        ws,
        "select load_id, row_number, field, value, link_run_id from quality_findings "
        "where link_run_id is not null order by all",
    )


def test_no_exact_key_ties_them_so_the_diagnosis_alone_finds_nothing(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    assert flat(query, ws, police, "same-person-differs") == []
    assert flat(query, ws, forensic, "same-person-differs") == []


def test_the_odd_one_out_of_the_linked_records_carries_the_finding(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    report = compare_linked(ws, persons(police, forensic), link_run_id=7)
    assert linked(query, ws) == [
        (forensic, 2, "victim.age", "33", 7),
        (forensic, 2, "victim.given_names", None, 7),
    ]
    assert report.findings == 2 and report.records == 3
    assert {police, forensic} <= set(report.scored)  # every diagnosed load is rescored
    detail = query(
        ws, "select detail from quality_findings where field = 'victim.age' and link_run_id = 7"
    )
    assert detail == [
        ("prueba/policia (fila relacionada) dice 30 para la misma persona "
         "(registros enlazados, corrida 7)",)
    ]  # fmt: skip
    run = query(ws, "select load_ids from quality_runs where link_run_id = 7")
    assert len(run) == 1 and {police, forensic} <= set(run[0][0])


def test_the_linked_findings_count_in_the_scores_of_their_load(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    score = (
        "select checked, failed from quality_scores where load_id = ? and period is null "
        "and dimension = 'cross-source' and rule = 'same-person-differs' and field is null"
    )
    assert query(ws, score, [forensic]) == []
    compare_linked(ws, persons(police, forensic), link_run_id=7)
    assert query(ws, score, [forensic]) == [(1, 0)]  # checked: one row; failed: per field
    whole = query(
        ws,
        "select failed, score < 1 from quality_scores where load_id = ? and period is null "
        "and dimension = 'cross-source' and rule is null",
        [forensic],
    )
    assert whole == [(1, True)]


def test_comparing_again_replaces_the_findings_and_never_duplicates_them(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    compare_linked(ws, persons(police, forensic), link_run_id=7)
    first = linked(query, ws)
    compare_linked(ws, persons(police, forensic), link_run_id=8)
    assert linked(query, ws) == [(*f[:4], 8) for f in first]
    checked = query(ws, "select distinct link_run_id from quality_checked where link_run_id > 0")
    assert checked == [(8,)]


def test_a_later_diagnosis_keeps_what_the_linked_records_showed(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    compare_linked(ws, persons(police, forensic), link_run_id=7)
    before = linked(query, ws)
    report = diagnose(ws)
    assert linked(query, ws) == before
    assert report.load(forensic).by_rule["same-person-differs"] == 2


def test_a_finding_of_linked_records_holds_no_name(
    two_sources: tuple[Workspace, int, int], query: Query
) -> None:
    ws, police, forensic = two_sources
    compare_linked(ws, persons(police, forensic), link_run_id=7)
    texts = query(
        ws,
        "select coalesce(value, '') || ' ' || coalesce(detail, '') from quality_findings "
        "where link_run_id is not null",
    )
    assert texts and not [t for (t,) in texts if "JUAN" in t or "PÉREZ" in t]
