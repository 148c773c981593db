"""The figures the API answers: groupings from ``by``, observation rows, series, CSV text.

A grouping is ``year`` plus dimensions in a fixed order (territory, period, sex, age, pueblo,
relationship, weapon), so ``by=sex,department`` and ``by=department,sex`` name the same
``year+department+sex``. JSON and CSV are built from the same rows, so a download is exactly
what the dashboard shows.

Example:
    >>> parse_by("sex,department", "es")
    ['department', 'sex']
    >>> grouping_name(["department", "sex"])
    'year+department+sex'
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ciudadana.portal.errors import PortalError
from ciudadana.portal.store import ReleaseStore, Row
from ciudadana.portal.texts import Lang
from ciudadana.publish.layout import CSV_HEADERS, OBSERVATION_COLUMNS

#: The dimensions ``by`` accepts, in the order they take in a grouping's name.
DIMENSIONS = (
    "department",
    "municipality",
    "quarter",
    "month",
    "sex",
    "age_group",
    "age_broad",
    "pueblo",
    "relationship",
    "weapon",
)
#: Dimensions of one family share a place in the order (a grouping has one of each).
_RANK = {
    "department": 0,
    "municipality": 0,
    "quarter": 1,
    "month": 1,
    "sex": 2,
    "age_group": 3,
    "age_broad": 3,
    "pueblo": 4,
    "relationship": 5,
    "weapon": 6,
}
_ONE = "(?:" + "|".join(DIMENSIONS) + ")"
#: What ``by`` must look like (also published in the OpenAPI description).
BY_PATTERN = f"^(?:{_ONE}(?:,{_ONE})*)?$"
_BY = re.compile(BY_PATTERN)
BOM = b"\xef\xbb\xbf"
_TERRITORY_DIM = {"department": "department", "municipality": "municipality"}


def parse_by(by: str | None, lang: Lang) -> list[str]:
    """The dimensions of ``by`` in canonical order, each once.

    Raises:
        PortalError: 422 ``unknown-dimension`` naming the value and the dimensions there are.
    """
    if not by:
        return []
    if not _BY.match(by):
        wrong = next((p for p in by.split(",") if p not in DIMENSIONS), by)
        raise PortalError(
            422, "unknown-dimension", lang, value=wrong, dimensions=", ".join(DIMENSIONS)
        )
    dims = list(dict.fromkeys(by.split(",")))
    return sorted(dims, key=lambda d: _RANK[d])


def grouping_name(dims: list[str]) -> str:
    return "+".join(["year", *dims])


def find_indicator(store: ReleaseStore, code: str, lang: Lang) -> Row:
    """The indicator ``code`` of the release.

    Raises:
        PortalError: 404 ``unknown-indicator`` listing the codes there are.
    """
    found = store.indicator.get(code)
    if found is None:
        raise PortalError(
            404, "unknown-indicator", lang, code=code, codes=", ".join(store.indicator) or "—"
        )
    return found


def find_grouping(indicator: Row, dims: list[str], lang: Lang) -> str:
    """The published grouping of ``indicator`` with exactly the dimensions ``dims``.

    Raises:
        PortalError: 404 ``unknown-grouping`` listing the groupings published.
    """
    wanted = set(dims)
    for grouping in indicator["groupings"]:
        if set(grouping.split("+")) - {"year"} == wanted:
            return grouping
    raise PortalError(
        404,
        "unknown-grouping",
        lang,
        indicator=indicator["code"],
        grouping=grouping_name(dims),
        groupings=", ".join(indicator["groupings"]) or "—",
    )


def observations(
    store: ReleaseStore, code: str, by: str | None, filters: dict[str, Any], lang: Lang
) -> tuple[str, list[Row]]:
    """The grouping asked for and its rows (``filters`` as in ``ReleaseStore.observations``)."""
    indicator = find_indicator(store, code, lang)
    grouping = find_grouping(indicator, parse_by(by, lang), lang)
    return grouping, store.observations(code, grouping, filters)


def series(
    store: ReleaseStore,
    code: str,
    territory: str | None,
    sex: str | None,
    age: str | None,
    lang: Lang,
) -> tuple[Row, str, list[Row]]:
    """The yearly series of a territory: (territory, grouping, rows).

    The grouping follows the territory's level (country: ``year``; department:
    ``year+department``...), plus ``sex`` when a sex is given and the age scheme the age group
    belongs to (``age_broad`` or ``age_group``) when one is given.
    """
    indicator = find_indicator(store, code, lang)
    place = store.territory.get(territory or store.country)
    if place is None:
        raise PortalError(404, "unknown-territory", lang, code=territory or store.country)
    dims = [_TERRITORY_DIM[place["level"]]] if place["level"] in _TERRITORY_DIM else []
    sex = None if sex in (None, "", "total") else sex
    age = None if age in (None, "", "total") else age
    if sex:
        dims.append("sex")
    if age:
        tried = [[*dims, scheme] for scheme in ("age_broad", "age_group")]
        published = [d for d in tried if _published(indicator, d)]
        with_age = [
            d for d in published if store.has_age(code, find_grouping(indicator, d, lang), age)
        ]
        dims = (with_age or published or tried)[0]
    grouping = find_grouping(indicator, dims, lang)
    filters = {"territory": place["code"], "sex": sex, "age": age}
    return place, grouping, store.observations(code, grouping, filters)


def _published(indicator: Row, dims: list[str]) -> bool:
    return any(set(g.split("+")) - {"year"} == set(dims) for g in indicator["groupings"])


def _cell(value: Any) -> str:
    """A CSV cell as in the release's own files (``publish/files.py``): empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 6)).removesuffix(".0") if value == int(value) else repr(value)
    return str(value)


def csv_bytes(rows: list[Row], lang: Lang) -> bytes:
    """The rows as CSV for spreadsheets: UTF-8 with BOM, commas, headers in ``lang``."""
    headers = CSV_HEADERS.get(lang, CSV_HEADERS["en"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([headers.get(c, c) for c in OBSERVATION_COLUMNS])
    for r in rows:
        writer.writerow([_cell(r[c]) for c in OBSERVATION_COLUMNS])
    return BOM + buffer.getvalue().encode("utf-8")


def csv_filename(*parts: str) -> str:
    """``VC_IHR_PSRC_year-department.csv``: the parts joined by _, + as -, safe characters."""
    name = "_".join(p.replace("+", "-") for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]", "-", name) + ".csv"
