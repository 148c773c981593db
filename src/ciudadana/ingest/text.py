"""How cell text is compared with the keys a spec writes (maps, headers, markers)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_key(text: str) -> str:
    """Case, accents and runs of spaces do not matter: ``" Mujer  "`` == ``"mujer"``,
    ``"Violación"`` == ``"VIOLACION"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare)
