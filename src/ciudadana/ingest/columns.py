"""Find a spec's column among the headers a file really has, and say so when it moved."""

from __future__ import annotations

import difflib

from ciudadana.ingest.text import normalize_key as normalize_name


def match_column(wanted: str, headers: list[str]) -> int | None:
    """The index of ``wanted`` among ``headers``: exact, then ignoring case, accents and spaces,
    then the last part of a multi-row header (``"DATOS DEL HECHO / Fecha"`` answers ``"Fecha"``).
    """
    if wanted in headers:
        return headers.index(wanted)
    norm = normalize_name(wanted)
    normalized = [normalize_name(h) for h in headers]
    if norm in normalized:
        return normalized.index(norm)
    last_parts = [normalize_name(h.rsplit(" / ", 1)[-1]) for h in headers]
    if last_parts.count(norm) == 1:
        return last_parts.index(norm)
    return None


def suggest_column(wanted: str, headers: list[str]) -> str | None:
    close = difflib.get_close_matches(wanted, headers, n=1, cutoff=0.6)
    return close[0] if close else None
