"""Response bodies built once: the release never changes, so neither does an answer.

A body is built the first time a (normalised) query asks for it, in a worker thread, and kept
in a bounded LRU with its ETag (release version + a hash of the body) and, once a client asks
for it, its gzip. A repeated query costs a dictionary lookup; a client that already has the
body gets ``304 Not Modified``.

Example:
    >>> cache = ResponseCache("2020.12.31")
    >>> entry = cache.entry(b'{"a":1}', "application/json")
    >>> entry.etag.startswith('W/"2020.12.31-')
    True
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

#: Bodies smaller than this are sent as they are (the same limit as the GZip middleware).
GZIP_MINIMUM = 1000
API_CACHE_CONTROL = "public, max-age=300"


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON (no NaN: the release has none)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


@dataclass(slots=True)
class Entry:
    """A built response: body, media type, ETag and extra headers; gzip made on demand."""

    body: bytes
    media_type: str
    etag: str
    headers: dict[str, str] = field(default_factory=dict)
    gz: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gz or b"")


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as for GET)."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


class ResponseCache:
    """A bounded LRU of built responses for one release.

    Args:
        version: the release version, the first part of every ETag.
        max_entries: how many bodies to keep.
        max_bytes: how many bytes of bodies to keep (the oldest go first).
    """

    def __init__(
        self, version: str, *, max_entries: int = 4096, max_bytes: int = 256 * 1024 * 1024
    ) -> None:
        self.version = version
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def entry(self, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Entry:
        """An entry for ``body``: its ETag is the release version and a hash of the body."""
        digest = hashlib.blake2b(body, digest_size=10).hexdigest()
        return Entry(body, media_type, f'W/"{self.version}-{digest}"', dict(headers or {}))

    def json(self, data: Any, headers: dict[str, str] | None = None) -> Entry:
        return self.entry(json_bytes(data), "application/json", headers)

    def get(self, key: Hashable) -> Entry | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, entry: Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._entries and (
                len(self._entries) > self.max_entries or self._bytes > self.max_bytes
            ):
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def _gzip(self, entry: Entry) -> bytes:
        if entry.gz is None:
            gz = gzip.compress(entry.body, compresslevel=6, mtime=0)
            with self._lock:
                entry.gz = gz
                self._bytes += len(gz)
        return entry.gz

    async def respond(
        self,
        request: Request,
        key: Hashable,
        build: Callable[[], Entry],
        cache_control: str = API_CACHE_CONTROL,
    ) -> Response:
        """The response for ``key``: from the cache, or built (in a thread) and kept.

        ``build`` may raise a ``PortalError``; errors are not kept.
        """
        entry = self.get(key)
        if entry is None:
            entry = await run_in_threadpool(build)
            self.put(key, entry)
        return self.send(request, entry, cache_control)

    def send(
        self, request: Request, entry: Entry, cache_control: str = API_CACHE_CONTROL
    ) -> Response:
        """``entry`` as a response: 304 if the client has it, gzip if the client takes it."""
        headers = {
            "etag": entry.etag,
            "cache-control": cache_control,
            "vary": "Accept-Encoding",
            **entry.headers,
        }
        if etag_matches(request.headers.get("if-none-match"), entry.etag):
            return Response(status_code=304, headers=headers)
        body = entry.body
        if len(body) >= GZIP_MINIMUM and "gzip" in request.headers.get("accept-encoding", ""):
            body = self._gzip(entry)
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=entry.media_type, headers=headers)
