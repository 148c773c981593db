"""``create_app(release_dir)``: the portal over one release folder, and nothing else.

The app is given a release folder only: it cannot find the warehouse, and reads the release's
database read-only. It serves the API under ``/api/v1``, the release's files under
``/downloads/``, the dashboard at ``/`` (files under ``/static/``) and its own description at
``/openapi.json`` (Spanish) and ``/openapi.en.json`` (English). Swagger UI and ReDoc are off:
they load from a CDN, and the portal must work offline.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from ciudadana.portal.cache import Entry, ResponseCache
from ciudadana.portal.deps import STATIC_DIR, Portal, portal_of
from ciudadana.portal.errors import install_handlers
from ciudadana.portal.middleware import CompressExceptDownloads, SecurityHeaders
from ciudadana.portal.openapi import openapi_document
from ciudadana.portal.routes import ROUTERS
from ciudadana.portal.store import ReleaseStore
from ciudadana.portal.texts import es


def create_app(release_dir: Path) -> FastAPI:
    """The portal (API and dashboard) over the release in ``release_dir``.

    Args:
        release_dir: a folder written by ``ciudadana release`` (``publicacion/<version>``).

    Raises:
        NoRelease: ``release_dir`` is not a release folder.

    Example:
        >>> app = create_app(Path("ciudadana-demo/publicacion/2020.12.31"))  # doctest: +SKIP
        >>> import uvicorn; uvicorn.run(app)  # doctest: +SKIP
    """
    store = ReleaseStore(Path(release_dir))
    app = FastAPI(
        title=es("api.title"),
        description=es("api.description"),
        version=store.version,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.portal = Portal(store=store, cache=ResponseCache(store.version))
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    async def openapi_es(request: Request) -> Response:
        return await _openapi(request, "es")

    async def openapi_en(request: Request) -> Response:
        return await _openapi(request, "en")

    app.add_api_route("/openapi.json", openapi_es, include_in_schema=False)
    app.add_api_route("/openapi.en.json", openapi_en, include_in_schema=False)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(CompressExceptDownloads)
    app.add_middleware(SecurityHeaders)
    return app


async def _openapi(request: Request, lang: str) -> Response:
    portal = portal_of(request)
    cache = portal.cache

    def build() -> Entry:
        return cache.json(openapi_document(request.app, portal.store, lang))

    return await cache.respond(request, ("openapi", lang), build)
