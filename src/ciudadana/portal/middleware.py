"""Headers every response carries, and compression for what is not compressed already.

- ``X-Content-Type-Options: nosniff`` on everything; on HTML, a Content-Security-Policy that
  lets the page load only from the portal itself (no CDN can ever load: the portal works
  offline).
- Starlette's GZip for bodies of 1000 bytes or more, except release files under
  ``/downloads/`` (sent as they are, so that their SHA-256 ETag names the bytes sent). API
  bodies arrive here already compressed from the cache (``cache.py``).
"""

from __future__ import annotations

import logging

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ciudadana.portal.errors import PortalError, request_lang

log = logging.getLogger(__name__)

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
GZIP_MINIMUM = 1000


class SecurityHeaders:
    """Adds ``nosniff`` to every response and the CSP to HTML ones; an unexpected error becomes
    a 500 in the one error shape (with the same headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            log.exception("error interno en %s", scope.get("path"))
            lang = request_lang(Request(scope))
            await PortalError(500, "internal-error", lang).response()(
                scope, receive, send_with_headers
            )


class CompressExceptDownloads:
    """Starlette's ``GZipMiddleware`` for everything but ``/downloads/``."""

    def __init__(self, app: ASGIApp, minimum_size: int = GZIP_MINIMUM) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/downloads/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
