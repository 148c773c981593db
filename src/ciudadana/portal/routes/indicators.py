"""``GET /api/v1/indicators`` and ``/api/v1/indicators/{code}``: the catalogue, as published."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from ciudadana.portal.deps import API, ERROR_RESPONSES, LangQuery, portal_of
from ciudadana.portal.models import IndicatorPublic, IndicatorsPublic
from ciudadana.portal.queries import find_indicator
from ciudadana.portal.store import Row
from ciudadana.portal.texts import es

router = APIRouter(prefix=API, tags=["indicators"])


def indicator_body(ind: Row, lang: str) -> dict[str, Any]:
    """An indicator of the ``indicators`` table in ``lang`` (``IndicatorPublic``)."""
    suffix = "_en" if lang == "en" else "_es"
    return {
        "code": ind["code"],
        "sdg": ind["sdg"],
        "name": ind[f"name{suffix}"],
        "short": ind[f"short{suffix}"],
        "unit": ind["unit"],
        "unit_measure": ind["unit_measure"],
        "decimals": ind["decimals"],
        "counting": ind["counting"],
        "date_basis": ind["date_basis"],
        "iccs": ind["iccs"],
        "notes": ind[f"notes{suffix}"],
        "groupings": ind["groupings"],
        "first_year": ind["first_year"],
        "last_year": ind["last_year"],
    }


@router.get(
    "/indicators",
    response_model=IndicatorsPublic,
    summary=es("op.indicators.summary"),
    description=es("op.indicators"),
    response_description=es("resp.ok"),
    responses=ERROR_RESPONSES,
)
async def indicators(request: Request, lang: LangQuery = "es") -> Response:
    portal = portal_of(request)
    store = portal.store
    return await portal.cache.respond(
        request,
        ("indicators", lang),
        lambda: portal.cache.json(
            {"indicators": [indicator_body(i, lang) for i in store.indicators]}
        ),
    )


@router.get(
    "/indicators/{code}",
    response_model=IndicatorPublic,
    summary=es("op.indicator.summary"),
    description=es("op.indicator"),
    response_description=es("resp.ok"),
    responses=ERROR_RESPONSES,
)
async def indicator(
    request: Request,
    code: Annotated[str, Path(description=es("param.code"))],
    lang: LangQuery = "es",
) -> Response:
    portal = portal_of(request)
    found = find_indicator(portal.store, code, lang)
    return await portal.cache.respond(
        request, ("indicator", code, lang), lambda: portal.cache.json(indicator_body(found, lang))
    )
