"""``GET /api/v1/territories`` (boundaries as GeoJSON) and ``/api/v1/codes`` (code lists)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ciudadana.portal.cache import Entry
from ciudadana.portal.deps import (
    API,
    ERROR_RESPONSES,
    LangQuery,
    Portal,
    blank,
    portal_of,
    text_query,
)
from ciudadana.portal.models import CodesPublic, FeatureCollectionPublic
from ciudadana.portal.texts import es

router = APIRouter(prefix=API, tags=["territories"])
GEOJSON = "application/geo+json"


def features(portal: Portal, level: str, parent: str | None) -> dict[str, Any]:
    """The boundaries of ``level`` (children of ``parent`` only, if given), each with the
    properties code, name, parent and level (names from the release's territories)."""
    known = portal.store.territory
    out = []
    for f in portal.geo(level).get("features", []):
        props = f.get("properties") or {}
        code = str(props.get("code", ""))
        place = known.get(code, {})
        mine = {
            "code": code,
            "name": place.get("name") or str(props.get("name", code)),
            "parent": place.get("parent", props.get("parent")),
            "level": level,
        }
        if parent is not None and mine["parent"] != parent:
            continue
        out.append({"type": "Feature", "properties": mine, "geometry": f.get("geometry")})
    return {"type": "FeatureCollection", "features": out}


@router.get(
    "/territories",
    response_model=FeatureCollectionPublic,
    summary=es("op.territories.summary"),
    description=es("op.territories"),
    response_description=es("resp.ok"),
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {
                GEOJSON: {"schema": {"$ref": "#/components/schemas/FeatureCollectionPublic"}}
            }
        },
    },
)
async def territories(
    request: Request,
    level: Annotated[
        Literal["department", "municipality"], Query(description=es("param.level"))
    ] = "department",
    parent: Annotated[str | None, text_query("param.geo_parent")] = None,
) -> Response:
    portal = portal_of(request)
    cache = portal.cache
    parent = blank(parent)

    def build() -> Entry:
        data = features(portal, level, parent)
        return cache.entry(cache.json(data).body, GEOJSON)

    return await cache.respond(request, ("territories", level, parent), build)


def codes_body(portal: Portal, lang: str) -> dict[str, Any]:
    store = portal.store
    label = "label_en" if lang == "en" else "label_es"
    return {
        "territories": [
            {"code": t["code"], "name": t["name"], "level": t["level"], "parent": t["parent"]}
            for t in store.territories
        ],
        "dimensions": {
            dim: [{"code": r["code"], "label": r[label]} for r in rows]
            for dim, rows in store.codes.items()
        },
    }


@router.get(
    "/codes",
    response_model=CodesPublic,
    summary=es("op.codes.summary"),
    description=es("op.codes"),
    response_description=es("resp.ok"),
    responses=ERROR_RESPONSES,
)
async def codes(request: Request, lang: LangQuery = "es") -> Response:
    portal = portal_of(request)
    return await portal.cache.respond(
        request, ("codes", lang), lambda: portal.cache.json(codes_body(portal, lang))
    )
