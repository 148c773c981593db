"""One error shape everywhere: ``{"error": {"code": "unknown-indicator", "message": "..."}}``.

The portal's own errors (``PortalError``), FastAPI's validation errors, unknown routes and
methods, and anything unexpected all answer with this shape, the message in the language the
request asked for (``lang=en``), Spanish otherwise.

Example:
    >>> PortalError(404, "unknown-territory", "en", code="99").body()["error"]["code"]
    'unknown-territory'
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from ciudadana.errors import CiudadanaError
from ciudadana.portal.texts import Lang, lang_of, text

log = logging.getLogger(__name__)


class PortalError(CiudadanaError):
    """An error the API answers with: an HTTP status, a stable code and a message.

    Args:
        status: HTTP status (404, 422...).
        code: a key of ``texts.TEXTS`` (``unknown-indicator``...).
        lang: the language of the message.
        **params: what the message names.
    """

    def __init__(self, status: int, code: str, lang: Lang = "es", /, **params: Any) -> None:
        super().__init__(text(code, lang, **params), code=code)
        self.status = status

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message)

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def request_lang(request: Request) -> Lang:
    return lang_of(request.query_params.get("lang"))


def _detail(error: dict[str, Any], lang: Lang) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "header", "body")]
    name = ".".join(loc) or "?"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return text("detail.missing", lang, name=name)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return text("detail.int", lang, name=name)
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = _RANGES.get(name, ("?", "?"))
        return text("detail.range", lang, name=name, ge=low, le=high)
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", f" {text('or', lang)} ")
        return text("detail.choice", lang, name=name, expected=expected)
    return text("detail.other", lang, name=name, message=error.get("msg", kind))


#: The ranges of the numeric parameters, for the message that names them.
_RANGES = {"year": (1900, 2100)}


async def portal_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PortalError)
    return exc.response()


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = request_lang(request)
    details = "; ".join(dict.fromkeys(_detail(e, lang) for e in exc.errors()))
    return PortalError(422, "invalid-parameter", lang, details=details).response()


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    lang = request_lang(request)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        error = PortalError(404, "not-found", lang, path=request.url.path)
    elif exc.status_code == 405:
        allow = headers.get("Allow") or headers.get("allow") or "GET"
        error = PortalError(
            405,
            "method-not-allowed",
            lang,
            method=request.method,
            path=request.url.path,
            allow=allow,
        )
    else:
        error = PortalError(exc.status_code, "http-error", lang, status=exc.status_code)
    return error.response(headers=headers or None)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("error interno en %s", request.url.path, exc_info=exc)
    return PortalError(500, "internal-error", request_lang(request)).response()


def install_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with the one error shape."""
    app.add_exception_handler(PortalError, portal_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
