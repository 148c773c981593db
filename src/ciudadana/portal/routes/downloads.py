"""``GET /api/v1/catalog`` (DCAT), ``/api/v1/downloads`` (the files) and ``/downloads/{path}``.

A file is served only if its path is in the release's ``files`` table, exactly as written
there: nothing else of the folder (the database, the manifest, ``../`` anything) is reachable.
Files never change, so they are cached for a year, with their SHA-256 as ETag.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import FileResponse, Response

from ciudadana.portal.cache import Entry, etag_matches
from ciudadana.portal.deps import (
    API,
    ERROR_RESPONSES,
    LangQuery,
    Portal,
    portal_of,
)
from ciudadana.portal.errors import PortalError
from ciudadana.portal.models import FilesPublic
from ciudadana.portal.texts import es
from ciudadana.publish.layout import CATALOG

router = APIRouter(tags=["downloads"])
IMMUTABLE = "public, max-age=31536000, immutable"


@router.get(
    f"{API}/catalog",
    summary=es("op.catalog.summary"),
    description=es("op.catalog"),
    response_description=es("resp.ok"),
    responses={
        **ERROR_RESPONSES,
        200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}},
    },
)
async def catalog(request: Request, lang: LangQuery = "es") -> Response:
    portal = portal_of(request)
    cache = portal.cache

    def build() -> Entry:
        path = portal.store.folder / CATALOG
        if not path.is_file():
            raise PortalError(404, "unknown-file", lang, path=CATALOG)
        return cache.entry(path.read_bytes(), "application/ld+json")

    return await cache.respond(request, ("catalog",), build)


def files_body(portal: Portal, lang: str) -> dict[str, Any]:
    title = "title_en" if lang == "en" else "title_es"
    return {
        "files": [
            {
                "path": f["path"],
                "format": f["format"],
                "media_type": f["media_type"],
                "sha256": f["sha256"],
                "bytes": f["bytes"],
                "title": f[title],
                "url": f"/downloads/{f['path']}",
            }
            for f in portal.store.files.values()
        ]
    }


@router.get(
    f"{API}/downloads",
    response_model=FilesPublic,
    summary=es("op.downloads.summary"),
    description=es("op.downloads"),
    response_description=es("resp.ok"),
    responses=ERROR_RESPONSES,
)
async def downloads(request: Request, lang: LangQuery = "es") -> Response:
    portal = portal_of(request)
    return await portal.cache.respond(
        request, ("downloads", lang), lambda: portal.cache.json(files_body(portal, lang))
    )


@router.get(
    "/downloads/{path:path}",
    response_class=Response,
    summary=es("op.download.summary"),
    description=es("op.download"),
    responses={
        **ERROR_RESPONSES,
        200: {
            "description": es("resp.file"),
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def download(
    request: Request,
    path: Annotated[str, Path(description=es("param.path"))],
    lang: LangQuery = "es",
) -> Response:
    portal = portal_of(request)
    store = portal.store
    row = store.files.get(path)
    target = (store.folder / path).resolve() if row is not None else None
    if target is None or not target.is_relative_to(store.folder) or not target.is_file():
        raise PortalError(404, "unknown-file", lang, path=path)
    headers = {"etag": f'"{row["sha256"]}"', "cache-control": IMMUTABLE}
    if etag_matches(request.headers.get("if-none-match"), headers["etag"]):
        return Response(status_code=304, headers=headers)
    return FileResponse(target, media_type=row["media_type"], headers=headers)
