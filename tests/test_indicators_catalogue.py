"""The catalogue: valid, complete for the issue's indicators, documented, and its mistakes
reported all at once with their path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ciudadana.analysis.indicators import InvalidCatalogue, load_catalogue
from ciudadana.analysis.indicators.catalogue import (
    Count,
    Denominator,
    Indicator,
    VictimFilter,
    parse_catalogue,
    yaml_data,
)
from ciudadana.analysis.indicators.dimensions import sdmx_age, time_period
from ciudadana.analysis.indicators.output import list_indicators
from ciudadana.monitoring.policy import PolicyTarget

DOCS = Path(__file__).parent.parent / "docs" / "indicators.md"


def test_the_catalogue_ships_every_indicator_the_issue_asks_for() -> None:
    cat = load_catalogue()
    assert cat.codes() == [
        "VC_IHR_PSRC",
        "VC_FEM_RATE",
        "VC_VDW_RATE",
        "VC_IFV_RATE",
        "VC_SXV_RATE",
        "VC_EXT_RATE",
        "VC_ROB_RATE",
        "VC_CHV_SHARE",
        "VC_HCL_PROXY",
    ]
    assert cat.get("VC_IHR_PSRC").sdg == "16.1.1"
    assert cat.get("vc_fem_rate").numerator.iccs == ["0101.01"]  # codes stay text
    assert cat.get("VC_IFV_RATE").numerator.date == "registration"
    assert cat.get("VC_EXT_RATE").numerator.unit == "events"
    assert cat.get("VC_HCL_PROXY").numerator.unit == "cases"
    for ind in cat.indicators:
        assert ind.notes.es.strip() and ind.notes.en.strip()
        assert ind.name.es != ind.name.en


def test_every_indicator_and_catalogue_key_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    assert [c for c in load_catalogue().codes() if f"`{c}`" not in text] == []
    keys = set()
    for model in (Indicator, Count, Denominator, VictimFilter, PolicyTarget):
        keys |= set(model.model_fields)
    assert sorted(k for k in keys if f"`{k}`" not in text) == []


def test_a_bad_catalogue_lists_every_problem_with_its_path() -> None:
    data = yaml_data(
        """
version: "1"
indicators:
  - code: bad code
    name: {es: Algo, en: Something}
    short: {es: A, en: A}
    numerator: {iccs: ["0101"], unit: victimas}
    denominator: {population: {sex: all}}
    unit: per_100k
    disaggregations: [barrio]
    notes: {es: x, en: x}
"""
    )
    with pytest.raises(InvalidCatalogue) as error:
        parse_catalogue(data, "mi-catalogo.yaml")
    message = error.value.message
    assert message.startswith("mi-catalogo.yaml no es válido:")
    for path in (
        "indicators[0].code",
        "indicators[0].numerator.unit",
        "indicators[0].disaggregations[0]",
    ):
        assert path in message


def test_unknown_iccs_codes_and_mismatched_units_are_refused() -> None:
    base = load_catalogue().get("VC_IHR_PSRC").model_dump()
    base["numerator"]["iccs"] = ["0199"]
    base["unit"] = "percent"
    with pytest.raises(InvalidCatalogue) as error:
        parse_catalogue({"version": "1", "indicators": [base]})
    assert "indicators[0].numerator.iccs[0]: «0199» no es un código ICCS" in error.value.message
    assert "indicators[0].unit: un porcentaje necesita denominator.count" in error.value.message


def test_yaml_codes_keep_their_leading_zeros() -> None:
    assert yaml_data("iccs: [0101, 02051]\nx: null") == {"iccs": ["0101", "02051"], "x": None}


def test_sdmx_codes_for_the_release() -> None:
    assert [sdmx_age(a) for a in ("00-14", "80+", "total", "unknown")] == [
        "Y0T14",
        "Y_GE80",
        "_T",
        "_U",
    ]
    assert [time_period(2019), time_period(2019, quarter=2), time_period(2019, month=0)] == [
        "2019",
        "2019-Q2",
        "2019-U",
    ]


def test_the_list_gives_names_in_the_language_asked() -> None:
    es, en = list_indicators("es"), list_indicators("en")
    assert es[0]["name"].startswith("Víctimas de homicidio")
    assert en[0]["name"].startswith("Victims of intentional homicide")
    assert es[0]["disaggregations"][0] == "department"
