"""The disaggregations an indicator can be cut by, their SQL and their SDMX codes.

A dimension is a column of the indicator table. ``year`` is always there (rates are yearly);
the others are asked for with ``--by``. Codes that are not known are ``unknown`` (the source
recorded them as unknown, or does not record them at all).

Example:
    >>> age_label("age_broad", 1)
    '15-29'
    >>> sdmx_age("15-29")
    'Y15T29'
"""

from __future__ import annotations

from typing import Literal

Dimension = Literal[
    "year",
    "quarter",
    "month",
    "department",
    "municipality",
    "sex",
    "age_group",
    "age_broad",
    "pueblo",
    "relationship",
    "weapon",
]
DIMENSIONS: tuple[str, ...] = Dimension.__args__  # type: ignore[attr-defined]

#: Names a user may type for a dimension (Spanish, English, level numbers).
ALIASES: dict[str, str] = {
    "anio": "year",
    "año": "year",
    "trimestre": "quarter",
    "mes": "month",
    "departamento": "department",
    "entidad": "department",
    "state": "department",
    "level1": "department",
    "nivel1": "department",
    "municipio": "municipality",
    "level2": "municipality",
    "nivel2": "municipality",
    "sexo": "sex",
    "edad": "age_group",
    "grupo_edad": "age_group",
    "edad_amplia": "age_broad",
    "etnia": "pueblo",
    "relacion": "relationship",
    "relación": "relationship",
    "arma": "weapon",
}

PERIOD_DIMS = ("quarter", "month")
TERRITORY_DIMS = ("department", "municipality")
AGE_DIMS = ("age_group", "age_broad")
#: Dimensions the population table has: a rate can be computed for every cell of these.
POPULATION_DIMS = ("year", *TERRITORY_DIMS, "sex", *AGE_DIMS)
#: Person and event attributes that are text codes ('unknown' when missing).
TEXT_DIMS = ("sex", "pueblo", "relationship", "weapon")
UNKNOWN = "unknown"

AgeScheme = tuple[tuple[str, int, int | None], ...]

#: Five-year groups up to 80+ (the labels of the simulator's truth and of INE tables).
AGE_GROUPS: AgeScheme = tuple((f"{a:02d}-{a + 4:02d}", a, a + 4) for a in range(0, 80, 5)) + (
    ("80+", 80, None),
)
#: The broad groups UNODC asks for SDG 16.1.1.
AGE_BROAD: AgeScheme = (
    ("00-14", 0, 14),
    ("15-29", 15, 29),
    ("30-44", 30, 44),
    ("45-59", 45, 59),
    ("60+", 60, None),
)
AGE_SCHEMES: dict[str, AgeScheme] = {"age_group": AGE_GROUPS, "age_broad": AGE_BROAD}

#: SDMX code lists (SDG and UNODC data structure definitions) for the open-data release.
SDMX_SEX = {"female": "F", "male": "M", "total": "_T", "intersex": "_O", UNKNOWN: "_U"}
SDMX_UNIT = {"per_100k": "PER_100000_POP", "per_100k_women": "PER_100000_POP", "percent": "PT"}


def normalise_dimension(name: str) -> str:
    """The canonical name of a dimension typed by a user, or ``name`` itself if unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


def age_index_sql(dim: str, lo: str = "age_lo", hi: str = "age_hi") -> str:
    """SQL for the index of the group of ``dim`` (a key of ``AGE_SCHEMES``) that holds ages
    ``lo``..``hi``; NULL when there is no age or the ages span several groups.

    Five-year groups: index = age // 5 (16 = 80+); broad groups: index = age // 15 (4 = 60+).
    """
    width, last = (5, 16) if dim == "age_group" else (15, 4)
    return (
        f"case when least({lo} // {width}, {last}) = least({hi} // {width}, {last}) "
        f"then least({lo} // {width}, {last}) end"
    )


def age_label(dim: str, index: int | None) -> str:
    """The label of group ``index`` of ``dim``; ``unknown`` for None or -1.

    Example:
        >>> age_label("age_group", 16), age_label("age_broad", 1), age_label("age_group", -1)
        ('80+', '15-29', 'unknown')
    """
    if index is None or index < 0:
        return UNKNOWN
    return AGE_SCHEMES[dim][index][0]


def scheme_values_sql(dim: str) -> str:
    """The groups of ``dim`` as a SQL ``values`` list: (index, lo, hi), hi 999 if open."""
    return ", ".join(
        f"({i}, {lo}, {999 if hi is None else hi})"
        for i, (_label, lo, hi) in enumerate(AGE_SCHEMES[dim])
    )


def sdmx_age(label: str | None) -> str:
    """SDMX age code of a group label: ``"00-14"`` -> ``"Y0T14"``, ``"80+"`` -> ``"Y_GE80"``."""
    if label is None or label == "total":
        return "_T"
    if label == UNKNOWN:
        return "_U"
    if label.endswith("+"):
        return f"Y_GE{int(label[:-1])}"
    lo, hi = label.split("-")
    return f"Y{int(lo)}T{int(hi)}"


def time_period(year: int, quarter: int | None = None, month: int | None = None) -> str:
    """SDMX ``TIME_PERIOD``: ``2019``, ``2019-Q2``, ``2019-03`` (unknown month: ``2019-U``).

    Example:
        >>> time_period(2019, month=3)
        '2019-03'
    """
    if month is not None:
        return f"{year}-{month:02d}" if month else f"{year}-U"
    if quarter is not None:
        return f"{year}-Q{quarter}" if quarter else f"{year}-U"
    return str(year)
