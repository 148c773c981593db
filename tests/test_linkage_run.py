"""`ciudadana link` on a small synthetic country: registry, review, reconciliation, bad input."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ciudadana.cli import app
from ciudadana.demo_run import run_demo
from ciudadana.errors import CiudadanaError
from ciudadana.ingest import ingest_file
from ciudadana.linkage import link_workspace
from ciudadana.linkage.cluster import pairwise_scores
from ciudadana.linkage.review import export_review, import_decisions
from ciudadana.warehouse import Warehouse
from ciudadana.workspace import Workspace, open_workspace

SOURCES = {
    "PNC": "gtm/pnc-hechos",
    "MP": "gtm/mp-denuncias",
    "INACIF": "gtm/inacif-necropsias",
    "OJ": "gtm/oj-casos",
    "OJ-MEDIDAS": "gtm/oj-medidas",
}
SHEET_ROWS = 1_000_000
runner = CliRunner()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A 30,000-person country, 2019-2020, ingested and linked once."""
    root = tmp_path_factory.mktemp("enlace") / "ws"
    run_demo(root, seed=11, persons=30_000, first_year=2019, last_year=2020, release=False)
    ws = open_workspace(root)
    link_workspace(ws)
    return ws


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Workspace], Workspace]:
    """A private copy of a workspace, for tests that change it."""

    def make(ws: Workspace) -> Workspace:
        target = tmp_path / "copia"
        shutil.copytree(ws.root, target)
        return open_workspace(target)

    return make


def rows(ws: Workspace, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def truth(ws: Workspace) -> dict[str, dict[tuple, int]]:
    """(load, row, role) -> true person; (load, row, 'victim') -> true victim of an event."""
    loads = dict(rows(ws, "select source_id, load_id from current_loads"))
    path = ws.root / "simulacion" / "truth" / "record_map.parquet"
    recs = duckdb.sql(
        f"select source, sheet, row, event_id, victim_id, aggressor_id from '{path}'"
    ).fetchall()
    sheets = sorted({s for src, s, *_ in recs if src == "MP"})
    person, event = {}, {}
    for src, sheet, row, event_id, victim, aggressor in recs:
        load = loads[SOURCES[src]]
        number = (sheets.index(sheet) + 1) * SHEET_ROWS + row if src == "MP" else row
        if victim:
            person[(load, number, "victim")] = victim
            event[(load, number, "victim")] = event_id * 10_000_000 + victim
        if aggressor:
            person[(load, number, "aggressor")] = aggressor
    return {"person": person, "event": event}


def registry(ws: Workspace) -> dict[str, dict[tuple, str]]:
    persons = rows(
        ws,
        "select load_id, row_number, role, person_id from restricted.current_person_registry",
    )
    events = rows(ws, "select load_id, row_number, event_id from restricted.current_event_registry")
    return {
        "person": {(lo, ro, role): pid for lo, ro, role, pid in persons},
        "event": {(lo, ro, "victim"): eid for lo, ro, eid in events},
    }


# -- what a run builds --------------------------------------------------------------------------


def test_every_person_record_gets_a_person_and_the_registry_is_restricted(
    linked: Workspace,
) -> None:
    (records,) = rows(linked, "select count(*) from current_persons")[0]
    (registered,) = rows(linked, "select count(*) from restricted.current_person_registry")[0]
    assert registered == records
    main_tables = {
        t
        for (t,) in rows(
            linked,
            "select table_name from information_schema.tables where table_schema = 'main'",
        )
    }
    assert not {"person_registry", "event_registry", "link_pairs", "link_decisions"} & main_tables
    personal = ("name", "id_number", "surname", "given", "load_id", "row_number", "event_id")
    for table in ("reconciled_counts", "reconciled_source_counts", "mse_estimates"):
        columns = [
            c
            for (c,) in rows(
                linked,
                "select column_name from information_schema.columns "
                "where table_schema = 'main' and table_name = ?",
                [table],
            )
        ]
        assert columns and not [c for c in columns if any(p in c for p in personal)], table


def test_persons_and_events_agree_with_the_simulators_truth(linked: Workspace) -> None:
    truths, found = truth(linked), registry(linked)
    persons = pairwise_scores(found["person"], truths["person"])
    events = pairwise_scores(found["event"], truths["event"])
    assert persons["f1"] >= 0.95, persons
    assert events["f1"] >= 0.85, events


def test_each_run_saves_its_settings_and_trained_model(linked: Workspace) -> None:
    runs = rows(
        linked,
        "select kind, settings_name, settings_version, length(settings_sha256), model_json "
        "from restricted.link_runs order by run_id",
    )
    # `ciudadana demo` links once, the fixture again: every run is kept, events before persons.
    kinds = [r[0] for r in runs]
    assert kinds[-2:] == ["events", "persons"] and set(kinds) == {"events", "persons"}
    for kind, name, version, sha_len, model in runs:
        assert name == kind and version >= 1 and sha_len == 64
        model = json.loads(model)
        levels = [lvl for c in model["comparisons"] for lvl in c["comparison_levels"]]
        assert any("m_probability" in lvl for lvl in levels)


def test_person_shows_a_history_across_sources(linked: Workspace) -> None:
    (pid,) = rows(
        linked,
        "select person_id from restricted.current_person_registry group by person_id "
        "having count(distinct source_id) >= 3 order by person_id limit 1",
    )[0]
    result = runner.invoke(app, ["person", pid, "--workspace", str(linked.root), "--json"])
    assert result.exit_code == 0, result.output
    history = json.loads(result.output)
    assert history["person_ids"] == [pid]
    assert len(history["sources"]) >= 3 and history["names"]
    missing = runner.invoke(app, ["person", "P9999999", "--workspace", str(linked.root)])
    assert missing.exit_code == 1
    assert "No hay ninguna persona «P9999999»" in missing.output


def test_reconciled_counts_are_preliminary_until_validated(
    linked: Workspace, copy_of: Callable[[Workspace], Workspace]
) -> None:
    ws = copy_of(linked)
    year, month, dept = rows(
        ws,
        "select year, month, department_code from current_reconciled_counts "
        "where category = '0201' order by victims desc limit 1",
    )[0]
    args = ["reconcile", "--workspace", str(ws.root), "--json"]
    view = json.loads(runner.invoke(app, args).output)
    assert {c["status"] for c in view["counts"]} == {"preliminar"}
    assert {w["issue"] for w in view["worklist"]} <= {"single-source", "date", "place", "sex"}
    month_args = ["--year", str(year), "--month", str(month), "--department", dept]
    result = runner.invoke(app, [*args, *month_args, "--validate", "--by", "mesa"])
    assert result.exit_code == 0, result.output
    validated = json.loads(result.output)["counts"]
    assert validated and {c["status"] for c in validated} == {"validado"}
    link_workspace(ws, kinds=["events"])  # a new run keeps the validation
    again = json.loads(runner.invoke(app, [*args, *month_args]).output)["counts"]
    assert {c["status"] for c in again} == {"validado"}


def test_the_worklist_asks_about_single_source_victims_of_homicide_not_of_every_complaint(
    linked: Workspace,
) -> None:
    """Police, prosecutor and forensic institute must all record every violent death; an
    intrafamily-violence complaint usually reaches one institution and is no discrepancy."""
    found = dict(
        rows(
            linked,
            "select category, count(*) from restricted.link_worklist "
            "where issue = 'single-source' "
            "and run_id = (select max(run_id) from restricted.link_worklist) group by category",
        )
    )
    assert found.get("0101", 0) > 0
    assert set(found) <= {"0101", "0109"}
    counted = dict(
        rows(
            linked,
            "select category, sum(single_source) from current_reconciled_counts group by all",
        )
    )
    assert counted["0201"] == 0 and counted["0101"] == found["0101"]


def test_every_category_several_sources_record_can_still_be_asked_about() -> None:
    import datetime as dt

    from ciudadana.linkage.reconcile import reconcile

    day = dt.date(2020, 5, 3)
    place = {"event_date": day, "territory_code": "0101", "department_code": "01", "sex": "female"}
    recs = [
        {"uid": 1, "source_id": "gtm/pnc-hechos", "iccs_code": "0201.02", **place},
        {"uid": 2, "source_id": "gtm/mp-denuncias", "iccs_code": "0201.02", **place},
        {"uid": 3, "source_id": "gtm/mp-denuncias", "iccs_code": "0201.02", **place},
    ]
    ids = {1: "H1", 2: "H1", 3: "H2"}
    every = reconcile(recs, ids)
    assert [w["issue"] for w in every.worklist] == ["single-source"]
    homicide_only = reconcile(recs, ids, single_source_categories=["0101"])
    assert homicide_only.worklist == []
    assert homicide_only.counts[0]["victims"] == 2


def test_quality_compares_the_aggressors_of_one_event_and_an_uncertain_pairs_victims(
    linked: Workspace,
) -> None:
    """Besides the persons of the registry, linkage hands quality the aggressors recorded for
    one event (two sources of the same fact name the same aggressor) and the two victims of an
    uncertain event pair that are each other's best candidate (a victim without a name)."""
    from ciudadana.linkage.discrepancies import groups_sql

    groups: dict[str, list[tuple]] = {}
    for load_id, row_number, role, group in rows(linked, groups_sql()):
        groups.setdefault(group, []).append((load_id, row_number, role))
    event_of = {
        (load_id, row_number): event
        for load_id, row_number, event in rows(
            linked, "select load_id, row_number, event_id from restricted.current_event_registry"
        )
    }
    aggressors = {g: members for g, members in groups.items() if g.startswith("A:")}
    assert aggressors
    for group, members in aggressors.items():
        assert {role for *_, role in members} == {"aggressor"}
        assert {f"A:{event_of[(lo, ro)]}" for lo, ro, _ in members} == {group}
    uncertain = {g: members for g, members in groups.items() if g.startswith("R:")}
    assert uncertain
    review = {
        frozenset({(a, b), (c, d)})
        for a, b, c, d in rows(
            linked,
            "select load_id_l, row_number_l, load_id_r, row_number_r from restricted.link_pairs "
            "where kind = 'events' and status = 'review'",
        )
    }
    for members in uncertain.values():
        assert len(members) == 2
        assert frozenset((lo, ro) for lo, ro, _ in members) in review


def test_reconciled_homicide_victims_equal_the_truth_within_the_uncertain_pairs(
    linked: Workspace,
) -> None:
    """Each victim once across police, prosecutor, forensics and courts: the reconciled count of
    intentional homicide victims by year and department is the true number of victims that at
    least one institution recorded, give or take the pairs the run left for clerical review
    (each can move a count by one at most)."""
    t = linked.root / "simulacion" / "truth"
    truth = dict(
        (tuple(k), n)
        for *k, n in duckdb.sql(
            f"""
            select year(v.fecha), substr(v.codigo_municipio, 1, 2),
                   count(distinct (r.event_id, r.victim_id))
            from '{t}/record_map.parquet' r
            join '{t}/victims.parquet' v on v.event_id = r.event_id and v.person_id = r.victim_id
            where v.iccs like '0101%'
            group by all
            """
        ).fetchall()
    )
    found = {
        (y, d): n
        for y, d, n in rows(
            linked,
            "select year, department_code, sum(victims)::int from current_reconciled_counts "
            "where category = '0101' group by all",
        )
    }
    (uncertain,) = rows(
        linked,
        "select review_pairs from restricted.link_runs "
        "where kind = 'events' order by run_id desc limit 1",
    )[0]
    assert sum(truth.values()) > 0
    years = {y for y, _ in truth}
    for year in years:
        true_total = sum(n for (y, _), n in truth.items() if y == year)
        found_total = sum(n for (y, _), n in found.items() if y == year)
        assert abs(found_total - true_total) <= uncertain, (year, found_total, true_total)
    off = sum(abs(found.get(k, 0) - truth.get(k, 0)) for k in truth.keys() | found.keys())
    assert off <= uncertain


def test_mse_stores_counts_with_an_interval(linked: Workspace) -> None:
    result = runner.invoke(app, ["mse", "--workspace", str(linked.root), "--json"])
    assert result.exit_code == 0, result.output
    estimates = {e["category"]: e for e in json.loads(result.output)["estimates"]}
    vif = estimates["0201"]
    assert len(vif["sources"]) == 3
    assert vif["lower"] <= vif["estimate"] <= vif["upper"] and vif["estimate"] >= vif["observed"]


# -- clerical review ------------------------------------------------------------------------------


def _pair(ws: Workspace, status: str, kind: str = "persons") -> tuple:
    return rows(
        ws,
        "select load_id_l, row_number_l, role_l, load_id_r, row_number_r, role_r "
        "from restricted.link_pairs where status = ? and kind = ? "
        "and run_id = (select max(run_id) from restricted.link_runs where kind = ?) "
        "order by match_probability desc limit 1",
        [status, kind, kind],
    )[0]


def _person_of(ws: Workspace, load_id: int, row_number: int, role: str) -> str:
    return rows(
        ws,
        "select person_id from restricted.current_person_registry "
        "where load_id = ? and row_number = ? and role = ?",
        [load_id, row_number, role],
    )[0][0]


def test_review_decisions_are_kept_and_no_automatic_run_overrides_them(
    linked: Workspace, copy_of: Callable[[Workspace], Workspace], tmp_path: Path
) -> None:
    ws = copy_of(linked)
    exported = export_review(ws, tmp_path / "pares.csv")
    assert exported["pairs"] > 0
    with open(exported["path"], encoding="utf-8-sig", newline="") as fh:
        pairs = list(csv.DictReader(fh))
    assert {"nombre_a", "dpi_b", "decision"} <= set(pairs[0])
    review = _pair(ws, "review")
    linked_pair = _pair(ws, "linked")
    assert _person_of(ws, *review[:3]) != _person_of(ws, *review[3:])
    assert _person_of(ws, *linked_pair[:3]) == _person_of(ws, *linked_pair[3:])
    decisions = tmp_path / "decisiones.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["tipo", "carga_a", "fila_a", "rol_a", "carga_b", "fila_b", "rol_b", "decision"]
        )
        writer.writerow(["personas", *review, "misma"])
        writer.writerow(["personas", *linked_pair, "distinta"])
    assert import_decisions(ws, decisions, reviewer="ana")["stored"] == 2
    before = registry(ws)["person"]
    for _ in range(2):  # the decisions hold on every later run
        link_workspace(ws, kinds=["persons"])
        after = registry(ws)["person"]
        kept = sum(after[k] == v for k, v in before.items())
        assert kept >= 0.99 * len(before)  # identifiers survive a rerun
        assert _person_of(ws, *review[:3]) == _person_of(ws, *review[3:])
        assert _person_of(ws, *linked_pair[:3]) != _person_of(ws, *linked_pair[3:])
    (kept,) = rows(ws, "select count(*) from restricted.link_decisions where reviewer = 'ana'")[0]
    assert kept == 2


def test_a_review_file_with_a_wrong_decision_stores_nothing(
    linked: Workspace, copy_of: Callable[[Workspace], Workspace], tmp_path: Path
) -> None:
    ws = copy_of(linked)
    review = _pair(ws, "review")
    bad = tmp_path / "mal.csv"
    bad.write_text(
        "tipo,carga_a,fila_a,rol_a,carga_b,fila_b,rol_b,decision\n"
        f"personas,{','.join(map(str, review))},misma\n"
        f"personas,{','.join(map(str, review))},quizás\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["link-review", "import", str(bad), "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert 'fila 3, campo "decision": «quizás» no es una decisión' in result.output
    assert rows(ws, "select count(*) from restricted.link_decisions")[0][0] == 0


# -- bad input ------------------------------------------------------------------------------


def test_an_interrupted_run_leaves_the_registry_as_it_was(
    linked: Workspace,
    copy_of: Callable[[Workspace], Workspace],
    state_of: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = copy_of(linked)
    before = state_of(ws)
    real = Warehouse.execute
    calls = {"n": 0}

    def dies_half_way(self: Warehouse, sql: str, params: list | None = None):  # noqa: ANN202
        if sql.startswith("insert into restricted.person_registry"):
            raise KeyboardInterrupt("corte de luz")
        calls["n"] += 1
        return real(self, sql, params)

    monkeypatch.setattr(Warehouse, "execute", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        link_workspace(ws)
    assert calls["n"] > 1  # the run had started writing
    monkeypatch.undo()
    assert state_of(ws) == before


def _two_sources(
    ws: Workspace, tmp_path: Path, dpi_values: list[str], names_in_b: list[str] | None = None
) -> tuple[Path, Path]:
    """Two tiny sources of the same two days: one with names, one with identity numbers
    (and, with ``names_in_b``, names too)."""
    names = tmp_path / "nombres.yaml"
    names.write_text(
        "id: prueba/nombres\ntitle: Con nombres\ninstitution: PNC\ncountry: GTM\nunit: victim\n"
        "date_semantics: occurrence\nreader: {format: csv, encoding: utf-8, delimiter: ','}\n"
        "fields:\n  record_id: {column: numero, required: true}\n"
        "  date_occurrence: {column: fecha, formats: ['%d/%m/%Y'], required: true}\n"
        "  territory: {column: municipio, parse: territory, level: 2}\n"
        "  offence: {column: delito, map: {Homicidio: '0101'}}\n"
        "victim:\n  full_name: {column: nombre}\n"
        "  sex: {column: sexo, map: {M: male, F: female}}\n",
        encoding="utf-8",
    )
    numbers = tmp_path / "numeros.yaml"
    numbers.write_text(
        names.read_text("utf-8")
        .replace("prueba/nombres", "prueba/numeros")
        .replace("Con nombres", "Solo DPI")
        .replace(
            "full_name: {column: nombre}",
            "id_number: {column: dpi}" + ("\n  full_name: {column: nombre}" if names_in_b else ""),
        ),
        encoding="utf-8",
    )
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(
        "numero,fecha,municipio,nombre,sexo,delito\n"
        "1,03/05/2020,0101,Ana López García,F,Homicidio\n"
        "2,04/05/2020,0101,José Pérez Cruz,M,Homicidio\n",
        encoding="utf-8",
    )
    names_b = names_in_b or [""] * len(dpi_values)
    b.write_text(
        "numero,fecha,municipio,dpi,sexo,nombre,delito\n"
        + "".join(
            f"{i},03/05/2020,0101,{d},F,{n},Homicidio\n"
            for i, (d, n) in enumerate(zip(dpi_values, names_b, strict=True), 1)
        ),
        encoding="utf-8",
    )
    ingest_file(ws, names, a)
    ingest_file(ws, numbers, b)
    return names, numbers


def test_sources_with_no_common_field_are_refused_with_what_to_do(
    workspace: Workspace, tmp_path: Path, state_of: Callable
) -> None:
    _two_sources(workspace, tmp_path, ["2345678900101", "1234567890101"])
    before = state_of(workspace)
    with pytest.raises(CiudadanaError) as err:
        link_workspace(workspace, kinds=["persons"])
    assert err.value.code == "linkage-no-common-field"
    assert "no comparte con las demás ningún campo" in err.value.message
    assert "--source" in err.value.message
    assert state_of(workspace) == before


def test_a_source_with_every_identity_number_missing_is_linked_with_a_note(
    linked: Workspace, copy_of: Callable[[Workspace], Workspace]
) -> None:
    ws = copy_of(linked)
    con = duckdb.connect(str(ws.warehouse_path))  # the institution stops sending the DPI
    con.execute(
        "update restricted.person_identity set id_number = null where load_id = "
        "(select load_id from loads where source_id = 'gtm/oj-medidas')"
    )
    con.close()
    report = link_workspace(ws, kinds=["events", "persons"])
    notes = [n for n in report.notes if "«gtm/oj-medidas» no trae ningún número" in n]
    assert notes and "se enlazan por nombres" in notes[0]
    scores = pairwise_scores(registry(ws)["person"], truth(ws)["person"])
    assert scores["f1"] >= 0.9, scores


def test_a_settings_file_with_an_unknown_comparison_changes_nothing(
    linked: Workspace, copy_of: Callable[[Workspace], Workspace], tmp_path: Path, state_of: Callable
) -> None:
    ws = copy_of(linked)
    bad = tmp_path / "mal.yaml"
    from ciudadana.linkage.settings import load_settings

    text = load_settings("persons").text.replace("{type: surnames}", "{type: apellidoz}")
    bad.write_text(text, encoding="utf-8")
    before = state_of(ws)
    result = runner.invoke(
        app, ["link", "--workspace", str(ws.root), "--settings", f"persons={bad}"]
    )
    assert result.exit_code == 1
    assert "«apellidoz» no es una comparación conocida" in result.output
    assert state_of(ws) == before


def test_linking_a_workspace_without_persons_says_what_to_load(
    workspace: Workspace, state_of: Callable
) -> None:
    before = state_of(workspace)
    result = runner.invoke(app, ["link", "--workspace", str(workspace.root)])
    assert result.exit_code == 1
    assert "No hay personas que enlazar" in result.output
    assert "ciudadana ingest" in result.output
    after = state_of(workspace)
    assert {k: v for k, v in after.items() if k in before} == before
