"""``GET /api/v1/observations`` and ``/api/v1/series``: the figures, as JSON or as CSV.

Both formats come from the same rows: the CSV is exactly what the JSON (and the dashboard)
shows, in the same order, with the release's column names in the language asked for.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ciudadana.portal import queries
from ciudadana.portal.cache import Entry, ResponseCache
from ciudadana.portal.deps import (
    API,
    CSV_RESPONSE,
    ERROR_RESPONSES,
    FormatQuery,
    LangQuery,
    blank,
    portal_of,
    text_query,
)
from ciudadana.portal.models import ObservationsPublic, SeriesPublic
from ciudadana.portal.store import Row
from ciudadana.portal.texts import es

router = APIRouter(prefix=API, tags=["observations"])

YEAR_MIN, YEAR_MAX = 1900, 2100


def _body(
    cache: ResponseCache, data: dict[str, Any], rows: list[Row], fmt: str, lang: str, name: str
) -> Entry:
    if fmt == "csv":
        return cache.entry(
            queries.csv_bytes(rows, lang),
            "text/csv",
            {"content-disposition": f'attachment; filename="{name}"'},
        )
    return cache.json({**data, "rows": rows})


@router.get(
    "/observations",
    response_model=ObservationsPublic,
    summary=es("op.observations.summary"),
    description=es("op.observations"),
    response_description=es("resp.ok"),
    responses={**ERROR_RESPONSES, **CSV_RESPONSE},
)
async def observations(
    request: Request,
    indicator: Annotated[str, Query(description=es("param.indicator"))],
    by: Annotated[
        str | None,
        Query(
            description=es("param.by"),
            json_schema_extra={"pattern": queries.BY_PATTERN},
        ),
    ] = None,
    year: Annotated[
        int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description=es("param.year"))
    ] = None,
    territory: Annotated[str | None, text_query("param.territory")] = None,
    parent: Annotated[str | None, text_query("param.parent")] = None,
    sex: Annotated[str | None, text_query("param.sex")] = None,
    age: Annotated[str | None, text_query("param.age")] = None,
    pueblo: Annotated[str | None, text_query("param.pueblo")] = None,
    relationship: Annotated[str | None, text_query("param.relationship")] = None,
    weapon: Annotated[str | None, text_query("param.weapon")] = None,
    lang: LangQuery = "es",
    format: FormatQuery = "json",
) -> Response:
    portal = portal_of(request)
    store, cache = portal.store, portal.cache
    dims = queries.parse_by(by, lang)
    filters = {
        "year": year,
        "territory": blank(territory),
        "parent": blank(parent),
        "sex": blank(sex),
        "age": blank(age),
        "pueblo": blank(pueblo),
        "relationship": blank(relationship),
        "weapon": blank(weapon),
    }
    key = ("observations", indicator, tuple(dims), *filters.values(), format)
    if format == "csv":
        key += (lang,)

    def build() -> Entry:
        grouping, rows = queries.observations(store, indicator, ",".join(dims), filters, lang)
        data = {"indicator": indicator, "grouping": grouping, "count": len(rows)}
        name = queries.csv_filename(indicator, grouping)
        return _body(cache, data, rows, format, lang, name)

    return await cache.respond(request, key, build)


@router.get(
    "/series",
    response_model=SeriesPublic,
    summary=es("op.series.summary"),
    description=es("op.series"),
    response_description=es("resp.ok"),
    responses={**ERROR_RESPONSES, **CSV_RESPONSE},
)
async def series(
    request: Request,
    indicator: Annotated[str, Query(description=es("param.indicator"))],
    territory: Annotated[str | None, text_query("param.series_territory")] = None,
    sex: Annotated[str | None, text_query("param.series_sex")] = None,
    age: Annotated[str | None, text_query("param.series_age")] = None,
    lang: LangQuery = "es",
    format: FormatQuery = "json",
) -> Response:
    portal = portal_of(request)
    store, cache = portal.store, portal.cache
    key = ("series", indicator, blank(territory), blank(sex), blank(age), format)
    if format == "csv":
        key += (lang,)

    def build() -> Entry:
        place, grouping, rows = queries.series(
            store, indicator, blank(territory), blank(sex), blank(age), lang
        )
        data = {
            "indicator": indicator,
            "territory": place["code"],
            "territory_name": place["name"],
            "grouping": grouping,
        }
        name = queries.csv_filename(indicator, grouping, place["code"])
        return _body(cache, data, rows, format, lang, name)

    return await cache.respond(request, key, build)
