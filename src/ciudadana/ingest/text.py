"""How cell text is compared with the keys a spec writes (maps, headers, markers)."""

from __future__ import annotations

from ciudadana.standards.names import normalize_name


def normalize_key(text: str) -> str:
    """Case, accents, punctuation and runs of spaces do not matter: ``" Mujer  "`` ==
    ``"mujer"``, ``"Violación"`` == ``"VIOLACION"``, ``"Art. 123"`` == ``"art 123"``. A key made
    only of signs (``"+"``) is compared as written.
    """
    return normalize_name(text) or text.strip().casefold()
