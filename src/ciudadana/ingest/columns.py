"""Find a spec's column among the headers a file really has, and say so when it moved."""

from __future__ import annotations

import difflib

from ciudadana.ingest.text import normalize_key


def match_column(wanted: str, headers: list[str]) -> int | None:
    """The index of ``wanted`` among ``headers``: exact, then ignoring case, accents and spaces,
    then the last part of a multi-row header (``"DATOS DEL HECHO / Fecha"`` answers ``"Fecha"``).
    """
    if wanted in headers:
        return headers.index(wanted)
    norm = normalize_key(wanted)
    normalized = [normalize_key(h) for h in headers]
    if norm in normalized:
        return normalized.index(norm)
    last_parts = [normalize_key(h.rsplit(" / ", 1)[-1]) for h in headers]
    if last_parts.count(norm) == 1:
        return last_parts.index(norm)
    return None


def suggest_column(wanted: str, headers: list[str]) -> str | None:
    """The header a person most likely meant: a close spelling (case and accents aside), else
    the shortest header containing the name (``"fecha"`` -> ``"fecha_registro"``).
    """
    norm = normalize_key(wanted)
    by_norm = {normalize_key(h): h for h in headers}
    close = difflib.get_close_matches(norm, list(by_norm), n=1, cutoff=0.6)
    if close:
        return by_norm[close[0]]
    containing = sorted((h for n, h in by_norm.items() if norm and norm in n), key=len)
    return containing[0] if containing else None
