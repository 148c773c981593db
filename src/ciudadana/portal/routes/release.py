"""``GET /api/v1``: the release (version, country, licence) and links to every resource."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ciudadana.portal.deps import API, ERROR_RESPONSES, portal_of
from ciudadana.portal.models import ReleasePublic
from ciudadana.portal.store import ReleaseStore
from ciudadana.portal.texts import es

router = APIRouter(prefix=API, tags=["release"])

LINKS = {
    "indicators": f"{API}/indicators",
    "observations": f"{API}/observations",
    "series": f"{API}/series",
    "territories": f"{API}/territories",
    "codes": f"{API}/codes",
    "catalog": f"{API}/catalog",
    "downloads": f"{API}/downloads",
    "openapi": "/openapi.json",
    "openapi_en": "/openapi.en.json",
    "dashboard": "/",
}


def release_body(store: ReleaseStore) -> dict[str, Any]:
    info = store.info
    threshold = info.get("threshold", "")
    return {
        "version": store.version,
        "country": store.country,
        "country_name": info.get("country_name")
        or store.territory.get(store.country, {}).get("name", ""),
        "created": info.get("created", ""),
        "threshold": int(threshold) if threshold.isdigit() else None,
        "licence": info.get("licence") or None,
        "licence_url": info.get("licence_url") or None,
        "indicators": len(store.indicators),
        "links": LINKS,
    }


@router.get(
    "",
    response_model=ReleasePublic,
    summary=es("op.release.summary"),
    description=es("op.release"),
    response_description=es("resp.ok"),
    responses=ERROR_RESPONSES,
)
async def release(request: Request) -> Response:
    portal = portal_of(request)
    return await portal.cache.respond(
        request, ("release",), lambda: portal.cache.json(release_body(portal.store))
    )
