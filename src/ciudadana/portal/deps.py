"""What every route shares: the portal of the app, the common parameters, the error responses.

Example:
    >>> sorted(ERROR_RESPONSES)
    [404, 422]
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query, Request

from ciudadana.portal.cache import ResponseCache
from ciudadana.portal.models import ErrorPublic
from ciudadana.portal.store import ReleaseStore
from ciudadana.portal.texts import es
from ciudadana.publish.layout import GEO

#: The dashboard's files (written apart from the API).
STATIC_DIR = Path(__file__).parent / "static"
API = "/api/v1"


@dataclass
class Portal:
    """One release being served: its store, its response cache and its boundaries."""

    store: ReleaseStore
    cache: ResponseCache
    static_dir: Path = STATIC_DIR
    _geo: dict[str, dict[str, Any]] = field(default_factory=dict)
    _geo_lock: threading.Lock = field(default_factory=threading.Lock)

    def geo(self, level: str) -> dict[str, Any]:
        """The release's GeoJSON of ``level`` (read once), or an empty collection."""
        with self._geo_lock:
            if level not in self._geo:
                path = self.store.folder / GEO[level]
                data = (
                    json.loads(path.read_text("utf-8"))
                    if path.is_file()
                    else {"type": "FeatureCollection", "features": []}
                )
                self._geo[level] = data
            return self._geo[level]


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


LangQuery = Annotated[Literal["es", "en"], Query(description=es("param.lang"))]
FormatQuery = Annotated[Literal["json", "csv"], Query(description=es("param.format"))]


def text_query(key: str) -> Any:
    """An optional text filter; empty means no filter."""
    return Query(description=es(key))


def blank(value: str | None) -> str | None:
    """``None`` for a missing or empty parameter (``pueblo=`` filters nothing)."""
    return value or None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": es("resp.not-found")},
    422: {"model": ErrorPublic, "description": es("resp.invalid")},
}
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
}
