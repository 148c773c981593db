"""``GET /``: the dashboard's page (``portal/static/index.html``), or a note that it is missing.

The dashboard's scripts and styles are served under ``/static/`` by the app; the page loads
nothing from anywhere else (see the Content-Security-Policy in ``middleware.py``).
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ciudadana.portal.deps import portal_of
from ciudadana.portal.errors import request_lang
from ciudadana.portal.texts import text

router = APIRouter(include_in_schema=False)


def missing_page(lang: str) -> str:
    title = escape(text("dashboard-missing.title", lang))
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Ciudadana · {title}</title></head>\n"
        f"<body><h1>{title}</h1><p>{text('dashboard-missing', lang)}</p></body></html>\n"
    )


@router.get("/")
async def dashboard(request: Request) -> Response:
    page = portal_of(request).static_dir / "index.html"
    if page.is_file():
        return FileResponse(page, media_type="text/html", headers={"cache-control": "no-cache"})
    return HTMLResponse(missing_page(request_lang(request)))
