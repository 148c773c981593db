"""Real exports, loaded with the shipped specs: every row is loaded or quarantined, and the
warehouse says what the files say (INE Guatemala VIF, INEGI Mexico, Chicago).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ciudadana.ingest import LoadReport, ingest_file
from ciudadana.workspace import Workspace, open_workspace

Query = Callable[..., list[tuple[object, ...]]]
INEGI_YEARS = (1990, 1993, 1996, 1999, 2002, 2005, 2008, 2009)  # a sample, to stay fast


@dataclass
class Loaded:
    ws: Workspace
    reports: dict[str, LoadReport]


def copy_of(template: Path, factory: pytest.TempPathFactory, name: str) -> Workspace:
    root = factory.mktemp(name) / "ws"
    shutil.copytree(template, root)
    return open_workspace(root)


@pytest.fixture(scope="module")
def vif(gtm_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> Loaded:
    ws = copy_of(gtm_template, tmp_path_factory, "vif")
    reports = {
        year: ingest_file(ws, "gtm/ine-vif", real_data / "gt" / "vif" / f"VIF_{year}.csv")
        for year in ("2009", "2010")
    }
    return Loaded(ws, reports)


@pytest.fixture(scope="module")
def inegi(mex_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> Loaded:
    ws = copy_of(mex_template, tmp_path_factory, "inegi")
    folder = real_data / "mx" / "inegi-homicidios"
    reports = {
        str(year): ingest_file(ws, "mex/inegi-homicidios", folder / f"{year}.csv")
        for year in INEGI_YEARS
    }
    return Loaded(ws, reports)


@pytest.fixture(scope="module")
def chicago(
    gtm_template: Path, tmp_path_factory: pytest.TempPathFactory, real_data: Path
) -> Loaded:
    ws = copy_of(gtm_template, tmp_path_factory, "chicago")
    file = real_data / "us" / "chicago_crimes_2012_violent_sample.csv"
    return Loaded(ws, {"2012": ingest_file(ws, "usa/chicago-crimes", file)})


def load_id(loaded: Loaded, key: str) -> int:
    value = loaded.reports[key].load_id
    assert value is not None
    return value


# -- INE Guatemala, violencia intrafamiliar -----------------------------------------------------


@pytest.mark.parametrize("year", ["2009", "2010"])
def test_vif_every_row_is_loaded_or_quarantined(vif: Loaded, query: Query, year: str) -> None:
    report = vif.reports[year]
    assert report.status == "loaded"
    assert report.rows_in == report.loaded + report.quarantined
    assert report.rows_in == {"2009": 31497, "2010": 32017}[year]  # lines of the file - header
    (events, quarantined, recorded) = query(
        vif.ws,
        """
        select (select count(*) from events where load_id = ?),
               (select count(*) from restricted.quarantine where load_id = ?),
               (select rows_in from loads where load_id = ?)
        """,
        [report.load_id] * 3,
    )[0]
    assert (events, quarantined, recorded) == (report.loaded, report.quarantined, report.rows_in)
    unexplained = query(
        vif.ws,
        """
        select count(*)
        from restricted.quarantine as q
        where q.load_id = ?
          and not exists (
              select 1 from findings as f
              where f.load_id = q.load_id and f.row_number = q.row_number
                and f.severity = 'error'
          )
        """,
        [report.load_id],
    )
    assert unexplained == [(0,)]


@pytest.mark.parametrize("year", ["2009", "2010"])
def test_vif_quarantines_under_one_percent_for_unknown_territory(vif: Loaded, year: str) -> None:
    report = vif.reports[year]
    assert sum(report.quarantined_by_reason.values()) >= report.quarantined
    share = report.quarantined_by_reason["unknown-territory"] / report.rows_in
    assert 0.002 <= share <= 0.008


def test_vif_reports_the_renamed_aggressor_column_as_a_finding(vif: Loaded, query: Query) -> None:
    findings = query(
        vif.ws,
        """
        select l.file_name, f.code, f.severity, f.message
        from findings as f
        join loads as l using (load_id)
        where f.row_number is null
        order by l.load_id
        """,
    )
    by_file: dict[tuple[str, str], list[str]] = {}
    for file, code, severity, message in findings:
        assert severity == "warning"
        by_file.setdefault((file, code), []).append(message)
    assert by_file[("VIF_2009.csv", "column-renamed")] == [
        "VIF_2009.csv: la columna «AGR_GRUPET» llegó como «AGR_GURPET». Se usó; confirme con la "
        "institución que es la misma."
    ]
    drift = " ".join(by_file[("VIF_2010.csv", "schema-drift")])
    assert "columnas nuevas respecto de la carga" in drift and "AGR_GRUPET" in drift
    assert "faltan columnas que traía la carga" in drift and "AGR_GURPET" in drift
    assert vif.reports["2009"].warnings_by_reason == {"column-renamed": 1}


def test_vif_a_complaint_of_physical_and_sexual_violence_has_both_iccs_codes(
    vif: Loaded, query: Query
) -> None:
    # HEC_TIPAGRE "1212": physical yes, psychological no, sexual yes, patrimonial no.
    codes = query(
        vif.ws,
        """
        select e.row_number, list(o.iccs_code order by o.iccs_code)
        from events as e
        join event_offences as o using (load_id, row_number)
        where e.load_id = ? and e.national_code = '1212'
        group by e.row_number
        """,
        [load_id(vif, "2009")],
    )
    assert len(codes) > 50
    assert {tuple(c) for _, c in codes} == {("02011", "0301")}


def test_vif_the_first_complaint_of_2009_is_row_2_with_its_two_codes(
    vif: Loaded, query: Query
) -> None:
    rows = query(
        vif.ws,
        """
        select e.date_registration::varchar, e.date_occurrence::varchar, e.territory_code,
               e.national_code, list(o.iccs_code order by o.iccs_code)
        from events as e
        join event_offences as o using (load_id, row_number)
        where e.load_id = ? and e.row_number = 2
        group by all
        """,
        [load_id(vif, "2009")],
    )
    # 2009,1,20,101,...,18,1,2009,101,1,1212,...
    assert rows == [("2009-01-20", "2009-01-18", "0101", "1212", ["02011", "0301"])]


def test_vif_some_events_happened_before_the_year_they_were_registered(
    vif: Loaded, query: Query
) -> None:
    (earlier, earlier_year, later) = query(
        vif.ws,
        """
        select count(*) filter (where date_occurrence < date_registration),
               count(*) filter (where year(date_occurrence) < year(date_registration)),
               count(*) filter (where date_occurrence > date_registration)
        from events
        where load_id in (?, ?)
        """,
        [load_id(vif, "2009"), load_id(vif, "2010")],
    )[0]
    assert earlier > 1000
    assert earlier_year > 100
    assert later < earlier / 10


def test_vif_nine_in_ten_victims_are_women(vif: Loaded, query: Query) -> None:
    (female, known, unknown) = query(
        vif.ws,
        """
        select count(*) filter (where sex = 'female'),
               count(*) filter (where sex in ('female', 'male')),
               count(*) filter (where sex = 'unknown')
        from persons
        where role = 'victim' and load_id in (?, ?)
        """,
        [load_id(vif, "2009"), load_id(vif, "2010")],
    )[0]
    assert 0.85 <= female / known <= 0.95
    assert unknown < known / 100


def test_vif_each_loaded_complaint_has_a_victim_and_an_aggressor(vif: Loaded, query: Query) -> None:
    report = vif.reports["2010"]
    roles = query(
        vif.ws,
        "select role, count(*) from persons where load_id = ? group by role order by role",
        [report.load_id],
    )
    assert roles == [("aggressor", report.loaded), ("victim", report.loaded)]


def test_vif_a_quarantined_row_keeps_every_cell_and_names_file_row_and_column(
    vif: Loaded, query: Query
) -> None:
    row, raw, message = query(
        vif.ws,
        """
        select q.row_number, q.raw, f.message
        from restricted.quarantine as q
        join findings as f using (load_id, row_number)
        where q.load_id = ? and f.code = 'unknown-territory'
        order by q.row_number
        limit 1
        """,
        [load_id(vif, "2009")],
    )[0]
    assert message.startswith(f'VIF_2009.csv, fila {row}, campo "HEC_DEPTOMCPIO": ')
    with Path(vif.reports["2009"].raw_path or "").open(encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    header, cells = lines[0], lines[row - 1]
    assert json.loads(raw) == {h: c or None for h, c in zip(header, cells, strict=True)}


# -- INEGI Mexico, homicidios por municipio y mes ----------------------------------------------


def national_total(file: Path) -> int:
    """The file's own "Total" row: second column "Total", third the number with ","."""
    with file.open(encoding="latin-1", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) > 2 and row[1].strip() == "Total":
                return int(row[2].replace(",", ""))
    raise AssertionError(f"{file.name} no tiene fila Total")


def test_inegi_every_row_of_every_year_is_loaded_quarantined_or_skipped(inegi: Loaded) -> None:
    for year, report in inegi.reports.items():
        assert report.status == "loaded", year
        assert report.rows_in == report.loaded + report.quarantined, year
        assert report.skipped > 32, year  # the national total, 32 state subtotals, the footer
        assert report.period == [f"{year}-01-01", f"{year}-12-31"]


def test_inegi_checks_each_row_total_against_its_months(inegi: Loaded) -> None:
    for year, report in inegi.reports.items():
        assert "total-mismatch" not in report.quarantined_by_reason, year


def test_inegi_the_national_total_of_each_year_equals_the_file_total_row(
    inegi: Loaded, query: Query, real_data: Path
) -> None:
    folder = real_data / "mx" / "inegi-homicidios"
    expected = {int(year): national_total(folder / f"{year}.csv") for year in inegi.reports}
    loaded = dict(
        query(
            inegi.ws,
            "select year(period_start), sum(value)::bigint from current_aggregates group by 1",
        )
    )
    assert loaded == expected


def test_inegi_months_become_one_cell_each_with_the_month_as_period(
    inegi: Loaded, query: Query
) -> None:
    # 2009.csv, row 9: " 01 001 ","Aguascalientes","48", then twelve months.
    report = inegi.reports["2009"]
    cells = query(
        inegi.ws,
        """
        select count(*), count(distinct period_start), min(period_start)::varchar,
               max(period_end)::varchar, any_value(iccs_code)
        from aggregates
        where load_id = ? and territory_code = (
            select territory_code from aggregates where load_id = ? and row_number = 9 limit 1
        )
        """,
        [report.load_id, report.load_id],
    )[0]
    assert cells == (12, 12, "2009-01-01", "2009-12-31", "0101")


# -- City of Chicago ------------------------------------------------------------------------------


def test_chicago_all_10000_rows_are_loaded_or_quarantined(chicago: Loaded) -> None:
    report = chicago.reports["2012"]
    assert report.rows_in == 10_000
    assert report.loaded + report.quarantined == 10_000


def test_chicago_coordinates_and_blocks_live_only_in_the_restricted_schema(
    chicago: Loaded, query: Query
) -> None:
    columns = query(
        chicago.ws,
        """
        select table_schema || '.' || table_name
        from information_schema.columns
        where column_name in ('lat', 'lon', 'latitude', 'longitude', 'address')
          and table_name <> 'territories'  -- centroids of divisions, public by nature
        """,
    )
    assert {table for (table,) in columns} == {
        "restricted.event_location",
        "restricted.person_identity",
    }
    report = chicago.reports["2012"]
    located, points = query(
        chicago.ws,
        "select count(*), count(lat) from restricted.event_location where load_id = ?",
        [report.load_id],
    )[0]
    assert located == report.loaded
    assert points > 0.95 * report.loaded


def test_chicago_every_loaded_incident_has_an_iccs_code(chicago: Loaded, query: Query) -> None:
    report = chicago.reports["2012"]
    codes = dict(
        query(
            chicago.ws,
            """
            select o.iccs_code, count(*)
            from event_offences as o
            join iccs on iccs.code = o.iccs_code
            where o.load_id = ?
            group by all
            """,
            [report.load_id],
        )
    )
    assert sum(codes.values()) == report.loaded
    assert {"02011", "02012", "0401", "0101"} <= set(codes)
