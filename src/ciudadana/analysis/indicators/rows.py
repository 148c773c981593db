"""The published rows: one per indicator, grouping and cell, in SDMX-ready columns.

``OUTPUT_COLUMNS`` is the contract of ``ciudadana indicators`` (screen, CSV, Parquet, JSON) and
of the open-data release: ``indicator`` is the SDMX series code, ``time_period`` the SDMX time
format, ``sex``/``age`` map to SDMX codes (``dimensions.SDMX_SEX``, ``dimensions.sdmx_age``) and
a dimension the row is not cut by is ``total``.

Example:
    >>> OUTPUT_COLUMNS[:3]
    ('indicator', 'grouping', 'source')
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ciudadana.analysis.indicators.catalogue import Indicator
from ciudadana.analysis.indicators.dimensions import AGE_DIMS, SDMX_UNIT, age_label, time_period

Row = dict[str, Any]

OUTPUT_COLUMNS = (
    "indicator",
    "grouping",
    "source",
    "denominator_source",
    "basis",
    "time_period",
    "year",
    "territory_level",
    "territory",
    "territory_name",
    "sex",
    "age",
    "pueblo",
    "relationship",
    "weapon",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "unit",
    "unit_measure",
    "unstable",
    "cv",
    "value_eb",
    "value_asr",
    "lower_asr",
    "upper_asr",
    "age_unknown",
)


def shape_rows(
    cells: list[Row],
    ind: Indicator,
    dims: list[str],
    *,
    country: str,
    country_name: str,
    names: dict[str, str],
    lang: str,
    asr: dict[tuple[Hashable, ...], tuple[float | None, float | None, float | None]],
    denominator_source: str | None = None,
    years: list[int] | None = None,
) -> list[Row]:
    """Published rows of one grouping's cells (already measured), in ``OUTPUT_COLUMNS``."""
    level = next((d for d in ("municipality", "department") if d in dims), "country")
    unknown = "unknown" if lang == "en" else "desconocido"
    age_dim = next((d for d in AGE_DIMS if d in dims), None)
    keys = ["source_id", "year", *dims]
    fixed = {
        "indicator": ind.code,
        "grouping": "+".join(["year", *dims]),
        "denominator_source": denominator_source,
        "territory_level": level,
        "unit": ind.unit,
        "unit_measure": SDMX_UNIT[ind.unit],
    }
    implied_sex = ind.implied_sex()
    none3 = (None, None, None)
    out = []
    for c in cells:
        year = c["year"]
        if years and year not in years:
            continue
        code = country if level == "country" else c[level]
        value_asr, lower_asr, upper_asr = (
            asr.get(tuple(c[k] for k in keys), none3) if asr else none3
        )
        denominator = c["denominator"]
        out.append(
            {
                **fixed,
                "source": c["source_id"],
                "basis": "reconciled" if c["source_id"] == "reconciled" else "source",
                "time_period": time_period(year, c.get("quarter"), c.get("month")),
                "year": year,
                "territory": code,
                "territory_name": country_name if level == "country" else names.get(code, unknown),
                "sex": c["sex"] if "sex" in dims else implied_sex,
                "age": age_label(age_dim, c[age_dim]) if age_dim else "total",
                "pueblo": c["pueblo"] if "pueblo" in dims else "total",
                "relationship": c["relationship"] if "relationship" in dims else "total",
                "weapon": c["weapon"] if "weapon" in dims else "total",
                "numerator": c["numerator"],
                "denominator": round(denominator, 3) if denominator is not None else None,
                "value": c["value"],
                "lower": c["lower"],
                "upper": c["upper"],
                "unstable": c["unstable"],
                "cv": c["cv"],
                "value_eb": c.get("value_eb"),
                "value_asr": value_asr,
                "lower_asr": lower_asr,
                "upper_asr": upper_asr,
                "age_unknown": int(c["age_unknown"] or 0),
            }
        )
    return out
