"""Indicators on a small warehouse built through the real ingest, against values computed by
hand: counting rules (victims, incidents, cases), sources, zero cells, intervals, age
standardisation, smoothing, and the notes every figure must carry."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from ciudadana.analysis.indicators import (
    IndicatorRequest,
    InvalidRequest,
    UnknownIndicator,
    compute_indicators,
)
from ciudadana.analysis.indicators.measures import publish_round
from ciudadana.analysis.smoothing import eb_smooth
from ciudadana.analysis.standardise import direct_standardise, standard_weights
from ciudadana.analysis.uncertainty import (
    binomial_interval,
    poisson_interval,
    poisson_ratio_interval,
)
from ciudadana.ingest import ingest_file
from ciudadana.workspace import Workspace, open_workspace

POLICE_SPEC = """\
id: prueba/pnc
title: Policía de prueba (una fila por víctima)
institution: PNC
country: GTM
unit: victim
date_semantics: occurrence
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: numero, required: true}
  incident_id: {column: hecho}
  date_occurrence: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  territory: {column: municipio, parse: territory, level: 2}
  weapon: {column: arma, map: {fuego: firearm, blanca: knife}}
  offence:
    column: delito
    map: {Homicidio: "0101", Femicidio: "0101.01", Extorsion: "02051", Robo: "0401",
          "Violación": "03011"}
victim:
  sex: {column: sexo, map: {Mujer: female, Hombre: male}}
  age: {column: edad, parse: integer}
  pueblo: {column: pueblo, map: {maya: maya, ladino: ladino}}
"""
POLICE_ROWS = [
    ("numero", "hecho", "fecha", "municipio", "delito", "sexo", "edad", "pueblo", "arma"),
    (1, "H1", "05/01/2015", "0101", "Homicidio", "Hombre", 25, "maya", "fuego"),
    (2, "H1", "05/01/2015", "0101", "Homicidio", "Mujer", 30, "ladino", "fuego"),
    (3, "H2", "10/03/2015", "0101", "Femicidio", "Mujer", 16, "maya", "blanca"),
    (4, "H3", "11/03/2015", "0301", "Extorsion", "Hombre", 40, "", ""),
    (5, "H3", "11/03/2015", "0301", "Extorsion", "Hombre", 41, "", ""),
    (6, "H4", "01/06/2016", "1601", "Robo", "Mujer", "", "ladino", "fuego"),
    (7, "H5", "02/06/2016", "1601", "Violación", "Mujer", 12, "maya", ""),
    (8, "H6", "02/07/2018", "0101", "Homicidio", "Hombre", 70, "ladino", "fuego"),
]
FORENSIC_SPEC = """\
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
  age: {column: edad, parse: integer}
"""
FORENSIC_ROWS = [
    ("registro", "fecha", "municipio", "sexo", "edad"),
    ("N1", "05/01/2015", "0101", "M", 25),
    ("N2", "05/01/2015", "0101", "F", 30),
    ("N3", "10/03/2015", "0101", "F", 16),
    ("N4", "20/08/2015", "0501", "M", 33),
    ("N5", "02/07/2016", "0101", "M", 70),
]
COURT_SPEC = """\
id: prueba/oj-casos
title: Casos judiciales de prueba
institution: OJ
country: GTM
unit: case
date_semantics: registration
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: causa, required: true}
  date_registration: {column: ingreso, formats: ["%d/%m/%Y"], required: true}
  department: {column: departamento, parse: territory, level: 1}
  offence: {column: delito, map: {Homicidio: "0101"}}
"""
COURT_ROWS = [
    ("causa", "ingreso", "departamento", "delito"),
    ("C1", "15/09/2015", "01", "Homicidio"),
]


def _write(folder: Path, name: str, spec: str, rows: list[tuple[Any, ...]]) -> tuple[Path, Path]:
    import csv

    spec_path = folder / f"{name}.yaml"
    spec_path.write_text(spec, encoding="utf-8")
    data = folder / f"{name}.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return spec_path, data


@pytest.fixture(scope="module")
def small(gtm_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A Guatemala workspace (with the pack's population) and three small sources."""
    root = tmp_path_factory.mktemp("indicadores") / "ws"
    shutil.copytree(gtm_template, root)
    ws = open_workspace(root)
    folder = root.parent / "recibido"
    folder.mkdir()
    for name, spec, rows in (
        ("pnc", POLICE_SPEC, POLICE_ROWS),
        ("inacif", FORENSIC_SPEC, FORENSIC_ROWS),
        ("oj", COURT_SPEC, COURT_ROWS),
    ):
        report = ingest_file(ws, *_write(folder, name, spec, rows))
        assert report.quarantined == 0, report.to_dict()
    return ws


@pytest.fixture(scope="module")
def population(small: Workspace) -> Callable[..., float]:
    """``population(year, sexes, code=None, ages=None)``: the pack's population summed."""
    con = duckdb.connect(str(small.warehouse_path), read_only=True)

    def total(year: int, sexes: tuple[str, ...], code: str | None = None, ages=None) -> float:
        sql = "select sum(population) from current_population where year = ? and sex in ?"
        params: list[Any] = [year, list(sexes)]
        if code:
            sql += " and territory_code like ?"
            params.append(code + "%")
        if ages:
            sql += " and age_min >= ? and coalesce(age_max, 999) <= ?"
            params += list(ages)
        return float(
            con.execute(sql.replace("in ?", "in (select unnest(?))"), params).fetchone()[0]
        )

    return total


def rows_of(ws: Workspace, **request: Any) -> list[dict[str, Any]]:
    return compute_indicators(ws, IndicatorRequest(**request)).rows


def one(rows: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, found)
    return found[0]


def test_homicide_victims_count_every_victim_and_femicide_with_its_exact_interval(
    small: Workspace, population: Callable[..., float]
) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["municipality"], source="prueba/pnc")
    row = one(rows, year=2015, territory="0101")
    pop = population(2015, ("female", "male"), "0101")
    assert row["numerator"] == 3  # two victims of H1 and the femicide
    assert row["denominator"] == pytest.approx(pop, rel=1e-9)
    lower, upper = poisson_interval(3)
    assert row["value"] == publish_round(3 / pop * 100_000, 1)
    assert (row["lower"], row["upper"]) == (
        publish_round(float(lower) / pop * 100_000, 1),
        publish_round(float(upper) / pop * 100_000, 1),
    )
    assert row["unstable"] is True and row["cv"] == pytest.approx(0.5774, abs=1e-4)
    assert (row["sex"], row["age"], row["territory_name"]) == ("total", "total", "Guatemala")


def test_a_municipality_with_no_victim_has_a_rate_of_zero_with_an_upper_limit(
    small: Workspace, population: Callable[..., float]
) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["municipality"], source="prueba/pnc")
    assert len([r for r in rows if r["year"] == 2015]) >= 330  # every municipality listed
    row = one(rows, year=2015, territory="0102")
    pop = population(2015, ("female", "male"), "0102")
    assert (row["numerator"], row["value"], row["lower"]) == (0, 0.0, 0.0)
    assert row["upper"] == publish_round(3.688879 / pop * 100_000, 1)


def test_municipal_rates_carry_the_empirical_bayes_rate_among_their_peers(
    small: Workspace,
) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["municipality"], source="prueba/pnc")
    peers = [r for r in rows if r["year"] == 2015 and r["denominator"]]
    expected = eb_smooth([r["numerator"] for r in peers], [r["denominator"] for r in peers])
    assert [r["value_eb"] for r in peers] == [publish_round(v * 100_000, 1) for v in expected]


def test_by_sex_and_rates_per_women(small: Workspace, population: Callable[..., float]) -> None:
    by_sex = rows_of(small, codes=["VC_IHR_PSRC"], by=["sex"], source="prueba/pnc", years=[2015])
    assert {r["sex"]: r["numerator"] for r in by_sex} == {"female": 2, "male": 1}
    women = population(2015, ("female",))
    femicide = one(rows_of(small, codes=["VC_FEM_RATE"], source="prueba/pnc"), year=2015)
    violent = one(rows_of(small, codes=["VC_VDW_RATE"], source="prueba/pnc"), year=2015)
    assert (femicide["numerator"], violent["numerator"]) == (1, 2)
    assert femicide["denominator"] == pytest.approx(women)
    assert femicide["sex"] == violent["sex"] == "female"
    assert femicide["value"] == publish_round(1 / women * 100_000, 1)


def test_extortion_counts_incidents_not_victims(small: Workspace) -> None:
    rows = rows_of(small, codes=["VC_EXT_RATE"], source="prueba/pnc", years=[2015])
    assert one(rows, year=2015)["numerator"] == 1  # H3 had two victims


def test_months_without_events_are_listed_with_zero(small: Workspace) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["month"], source="prueba/pnc", years=[2015])
    counts = {r["time_period"]: r["numerator"] for r in rows}
    assert len(counts) == 12
    assert (counts["2015-01"], counts["2015-02"], counts["2015-03"]) == (2, 0, 1)


def test_age_groups_get_rates_only_where_the_population_comes_by_age(
    small: Workspace, population: Callable[..., float]
) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["age_group"], source="prueba/pnc")
    teen = one(rows, year=2015, age="15-19")
    assert teen["numerator"] == 1
    assert teen["denominator"] == pytest.approx(population(2015, ("female", "male"), ages=(15, 19)))
    # 2011-2015 stop at an open 65+ group: 65-69 has no denominator of its own
    assert not [r for r in rows if r["year"] == 2015 and r["age"] == "65-69"]
    # 2016-2020 come by sex only: the 2018 victim (70) has no age-specific denominator
    old = one(rows, year=2018, age="70-74")
    assert (old["numerator"], old["denominator"], old["value"]) == (1, None, None)


def test_the_age_standardised_rate_uses_the_who_weights_with_the_open_group_of_the_year(
    small: Workspace,
) -> None:
    con = duckdb.connect(str(small.warehouse_path), read_only=True)
    pops = con.execute(
        """
        select least(age_min // 5 * 5, 65) as g, sum(population)
        from current_population where year = 2015 group by 1 order by 1
        """
    ).fetchall()
    starts = [g for g, _ in pops]
    counts = np.zeros(len(starts))
    for age in (25, 30, 16):
        counts[starts.index(min(age // 5 * 5, 65))] += 1
    rate, lower, upper = direct_standardise(
        [counts], [[p for _, p in pops]], standard_weights(starts, top=65)
    )
    row = one(rows_of(small, codes=["VC_IHR_PSRC"], source="prueba/pnc"), year=2015)
    assert (row["value_asr"], row["lower_asr"], row["upper_asr"]) == (
        publish_round(rate[0] * 100_000, 1),
        publish_round(lower[0] * 100_000, 1),
        publish_round(upper[0] * 100_000, 1),
    )
    # 2016-2020 give no ages: no standardised rate rather than a wrong one
    assert (
        one(rows_of(small, codes=["VC_IHR_PSRC"], source="prueba/pnc"), year=2018)["value_asr"]
        is None
    )


def test_the_share_of_child_victims_has_the_clopper_pearson_interval(small: Workspace) -> None:
    rows = rows_of(small, codes=["VC_CHV_SHARE"], source="prueba/pnc")
    row = one(rows, year=2015)
    # victims of known age in sections 01-03: H1 (2), the femicide (16), H3 (2); one child
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 5, 20.0)
    lower, upper = binomial_interval(1, 5)
    assert (row["lower"], row["upper"]) == (
        publish_round(float(lower) * 100, 1),
        publish_round(float(upper) * 100, 1),
    )
    assert one(rows, year=2016)["value"] == 100.0  # the rape victim (12); robbery is not 01-03


def test_the_clearance_proxy_divides_court_cases_by_the_preferred_source_victims(
    small: Workspace,
) -> None:
    result = compute_indicators(small, IndicatorRequest(codes=["VC_HCL_PROXY"], years=[2015]))
    row = one(result.rows, year=2015)
    assert (row["source"], row["denominator_source"]) == ("prueba/oj-casos", "prueba/inacif")
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 4, 25.0)
    lower, upper = poisson_ratio_interval(1, 4)
    assert row["upper"] == publish_round(float(upper) * 100, 1)


def test_auto_takes_the_preferred_source_and_says_which_others_have_data(
    small: Workspace,
) -> None:
    result = compute_indicators(small, IndicatorRequest(codes=["VC_IHR_PSRC"], years=[2015]))
    assert one(result.rows, year=2015)["source"] == "prueba/inacif"  # forensic first
    (meta,) = result.indicators
    assert meta["sources_used"] == ["prueba/inacif"]
    assert meta["sources_available"] == {"prueba/inacif": 4, "prueba/pnc": 3}
    assert any("prueba/pnc" in n and "no se suman" in n for n in meta["notes"])
    every = rows_of(small, codes=["VC_IHR_PSRC"], years=[2015], source="all")
    assert {r["source"]: r["numerator"] for r in every} == {"prueba/inacif": 4, "prueba/pnc": 3}


def test_every_rate_on_the_default_population_carries_its_warning(small: Workspace) -> None:
    result = compute_indicators(small, IndicatorRequest(codes=["VC_ROB_RATE"]))
    assert any("censo de 2002" in n and "debe decirlo" in n for n in result.notes)
    assert one(result.rows, year=2016)["numerator"] == 1


def test_all_disaggregations_cut_each_indicator_one_dimension_at_a_time(
    small: Workspace,
) -> None:
    rows = rows_of(small, codes=["VC_FEM_RATE"], all_disaggregations=True, source="prueba/pnc")
    groupings = {r["grouping"] for r in rows}
    assert groupings == {
        "year",
        *(f"year+{d}" for d in ("department", "municipality", "age_group", "age_broad")),
        *(f"year+{d}" for d in ("pueblo", "relationship", "weapon", "quarter", "month")),
    }
    assert one(rows, grouping="year+pueblo", year=2015, pueblo="maya")["numerator"] == 1
    assert one(rows, grouping="year+weapon", year=2015, weapon="knife")["numerator"] == 1
    assert one(rows, grouping="year+age_broad", year=2015, age="15-29")["numerator"] == 1


def test_a_disaggregation_an_indicator_does_not_allow_is_left_out_with_a_note(
    small: Workspace,
) -> None:
    result = compute_indicators(small, IndicatorRequest(codes=["VC_EXT_RATE"], by=["sex"]))
    assert result.rows == []
    assert any("VC_EXT_RATE" in n and "sex" in n for n in result.notes)


def test_bad_requests_say_what_to_type_instead(small: Workspace) -> None:
    with pytest.raises(UnknownIndicator, match="VC_IHR_PSRC"):
        compute_indicators(small, IndicatorRequest(codes=["HOMICIDIOS"]))
    with pytest.raises(InvalidRequest, match="department"):
        compute_indicators(small, IndicatorRequest(by=["barrio"]))


def test_spanish_names_of_dimensions_are_understood(small: Workspace) -> None:
    rows = rows_of(small, codes=["VC_IHR_PSRC"], by=["departamento"], source="prueba/pnc")
    assert one(rows, year=2015, territory="01")["numerator"] == 3


@pytest.fixture(scope="module")
def linked(small: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The small workspace after a record-linkage run wrote its reconciled counts."""
    root = tmp_path_factory.mktemp("conciliado") / "ws"
    shutil.copytree(small.root, root)
    ws = open_workspace(root)
    con = duckdb.connect(str(ws.warehouse_path))
    con.executemany(
        "insert into reconciled_counts values (1, ?, ?, ?, ?, ?, ?, 0, 'preliminar')",
        [
            (2015, 1, "01", "0101", "female", 2),
            (2015, 1, "01", "0101", "male", 1),
            (2015, 8, "05", "0101", "male", 1),
            (2015, 3, "01", "0201", "female", 4),
        ],
    )
    con.close()
    return ws


def test_reconciled_counts_are_preferred_where_they_can_give_the_grouping(
    linked: Workspace,
) -> None:
    result = compute_indicators(
        linked, IndicatorRequest(codes=["VC_IHR_PSRC"], by=["department"], years=[2015])
    )
    row = one(result.rows, year=2015, territory="01")
    assert (row["source"], row["basis"], row["numerator"]) == ("reconciled", "reconciled", 3)
    assert one(result.rows, year=2015, territory="05")["numerator"] == 1
    by_sex = rows_of(linked, codes=["VC_VDW_RATE"], years=[2015])
    assert one(by_sex, year=2015)["numerator"] == 2  # the reconciled women of 0101


def test_reconciled_counts_are_not_used_where_they_cannot_say(linked: Workspace) -> None:
    result = compute_indicators(
        linked, IndicatorRequest(codes=["VC_IHR_PSRC"], by=["municipality"], years=[2015])
    )
    assert {r["source"] for r in result.rows} == {"prueba/inacif"}
    assert any("conciliados" in n for n in result.indicators[0]["notes"])
    # femicide (0101.01) is finer than the reconciled categories (4 digits)
    assert {r["source"] for r in rows_of(linked, codes=["VC_FEM_RATE"])} == {"prueba/pnc"}
    every = rows_of(linked, codes=["VC_IHR_PSRC"], years=[2015], source="all")
    assert {r["source"]: r["numerator"] for r in every} == {
        "prueba/inacif": 4,
        "prueba/pnc": 3,
        "reconciled": 4,
    }
