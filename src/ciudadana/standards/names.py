"""Place names and codes as people type them: normalisation, match keys, a name index per level,
and the words that report a match.

Exports spell the same municipality many ways: with or without accents, in capitals, abbreviated
("Sta. Catarina Pinula"), with a prefix ("Municipio de Mixco"), shortened ("Petapa") or misspelled
("Chinuautla"). The territory resolver compares *match keys*: a normalised name with common
abbreviations expanded and administrative prefixes dropped. :class:`NameIndex` holds the keys of
one level and applies the matching rules (exact, alias, whole words, fuzzy), never guessing
between two candidates.

Example:
    >>> normalize_name("San José  Pinula")
    'san jose pinula'
    >>> match_key("Sta. Catarina Pinula")
    'santa catarina pinula'
    >>> match_key("Depto. de Sacatepéquez")
    'sacatepequez'
    >>> parse_code(" 01 001 ", widths=(2, 5))
    '01001'
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SEPARATORS = re.compile(r"[\s\-_./]+")
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")

#: Abbreviations seen in exports, expanded word by word (after normalisation).
ABBREVIATIONS: dict[str, str] = {
    "sta": "santa",
    "sto": "santo",
    "sn": "san",
    "fco": "francisco",
    "nva": "nueva",
    "nvo": "nuevo",
    "cd": "ciudad",
    "gral": "general",
    "sac": "sacatepequez",
    "mpio": "municipio",
    "mun": "municipio",
    "depto": "departamento",
    "dpto": "departamento",
    "edo": "estado",
    "dto": "distrito",
    "distr": "distrito",
}

#: Leading words that name the kind of division, not the division ("Municipio de Mixco").
PREFIXES: tuple[str, ...] = (
    "departamento de ",
    "departamento del ",
    "departamento ",
    "municipalidad de ",
    "municipio de ",
    "municipio ",
    "estado de ",
    "alcaldia ",
    "delegacion ",
)

#: A fuzzy match is accepted from this score (rapidfuzz ``ratio``, 0-100) ...
FUZZY_CUTOFF = 85.0
#: ... unless another division scores within this margin of it (then it is ambiguous).
FUZZY_MARGIN = 5.0
#: Names scoring from here are offered as suggestions when nothing matched.
SUGGEST_CUTOFF = 60.0
#: Keys shorter than this are matched exactly only.
MIN_FUZZY_LENGTH = 4

Status = Literal["exact", "alias", "fuzzy", "ambiguous", "not_found"]

#: What the resolver says (Spanish, English), by kind of outcome; see ``Resolution.message``.
MESSAGES: dict[str, tuple[str, str]] = {
    "found": ('"{value}": {level} {label}.', '"{value}": {level} {label}.'),
    "fuzzy": (" Parecido {score:.0f}/100: verifique.", " Similarity {score:.0f}/100: check it."),
    "in_parents": (
        '"{value}" existe en {n} {up_levels}: {items}{more}. Indique en qué {up_level}.',
        '"{value}" exists in {n} {up_levels}: {items}{more}. Say which {up_level}.',
    ),
    "several": (
        '"{value}" coincide con varios {levels}: {items}{more}. Escriba el nombre completo.',
        '"{value}" matches several {levels}: {items}{more}. Write the full name.',
    ),
    "suggest": (
        '"{value}": no hay {level} con ese nombre o código en {place}. ¿Será: {items}{more}?',
        '"{value}": no {level} has that name or code in {place}. Did you mean: {items}{more}?',
    ),
    "unknown": (
        '"{value}": no hay {level} con ese nombre o código en {place}. Revise la ortografía.',
        '"{value}": no {level} has that name or code in {place}. Check the spelling.',
    ),
    "more": (" y {n} más", " and {n} more"),
}


def normalize_name(text: str) -> str:
    """Lowercase, strip accents, turn punctuation into spaces and collapse spaces.

    Args:
        text: a place name as written.

    Returns:
        The normalised name ("ñ" becomes "n", "ü" becomes "u").

    Example:
        >>> normalize_name("  SAN JOSÉ  Pinula ")
        'san jose pinula'
        >>> normalize_name("Sigüilá, Quetzaltenango")
        'siguila quetzaltenango'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub(" ", bare.casefold()).strip()


def match_key(text: str) -> str:
    """The key the resolver compares: normalised, abbreviations expanded, prefixes dropped.

    Example:
        >>> match_key("Mpio. de Sn. Pedro Sac.")
        'san pedro sacatepequez'
        >>> match_key("Departamento")
        'departamento'
    """
    key = " ".join(ABBREVIATIONS.get(word, word) for word in normalize_name(text).split())
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def parse_code(
    value: str | int | float,
    widths: Sequence[int],
    prefixes: Sequence[str] = (),
    digits: int | None = None,
) -> str | None:
    """The digits of a code as exports write it, zero-padded; ``None`` when it is not a code.

    Args:
        value: ``101``, ``101.0``, ``"0101"``, ``"GT0101"``, ``" 01 01 "``, ``"1-1"``...
        widths: the full code length of each level, top first (Guatemala: ``(2, 4)``). Groups
            separated by spaces, dashes, dots or slashes are padded one per level.
        prefixes: accepted letters before the digits (OCHA p-codes: ``"GT"``).
        digits: pad to this length; by default, to the shortest level the digits fit in.

    Example:
        >>> [parse_code(v, (2, 4), ["GT"]) for v in (101, "GT0101", "1-1", 101.0, "1", "x1")]
        ['0101', '0101', '0101', '0101', '01', None]
    """
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value)
    text = text.strip().upper()
    text = m.group(1) if (m := _FLOAT_TEXT.fullmatch(text)) else text
    for prefix in sorted((p.upper() for p in prefixes), key=len, reverse=True):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    groups = [g for g in _SEPARATORS.split(text) if g]
    if not groups or not all(g.isdigit() for g in groups):
        return None
    segments = [w - p for w, p in zip(widths, [0, *widths[:-1]], strict=True)]
    if 1 < len(groups) <= len(segments) and all(
        len(g) <= w for g, w in zip(groups, segments, strict=False)
    ):
        return "".join(g.zfill(w) for g, w in zip(groups, segments, strict=False))
    code = "".join(groups)
    target = digits or next((w for w in widths if len(code) <= w), None)
    return code.zfill(target) if target else code


def contains_words(short: str, long: str) -> bool:
    """True when the words of ``short`` appear together, in order, inside ``long``.

    Example:
        >>> contains_words("concepcion", "concepcion chiquirichapa")
        True
        >>> contains_words("san bartolo", "san bartolome jocotenango")
        False
    """
    return f" {short} " in f" {long} "


@dataclass(frozen=True)
class Found:
    """What :meth:`NameIndex.search` found: one code when resolved, candidates otherwise."""

    status: Status
    codes: tuple[str, ...] = ()
    score: float | None = None


class NameIndex:
    """The match keys of one level's official names and aliases, grouped by parent code.

    Args:
        entries: ``(code, text, official, group)`` tuples; ``group`` is the parent code.

    Example:
        >>> index = NameIndex([("0509", "San José", True, "05"), ("1702", "San José", True, "17")])
        >>> index.search("san jose")
        Found(status='ambiguous', codes=('0509', '1702'), score=None)
        >>> found = index.search("san josse", group="17")
        >>> found.status, found.codes, round(found.score)
        ('fuzzy', ('1702',), 94)
    """

    def __init__(self, entries: Iterable[tuple[str, str, bool, str | None]]) -> None:
        self._exact: dict[str, dict[str, bool]] = defaultdict(dict)  # key -> code -> official
        self._group: dict[str, str | None] = {}
        self._official: dict[str, str] = {}  # code -> key of its official name
        pairs: dict[str | None, set[tuple[str, str]]] = defaultdict(set)
        self._keys: dict[str, set[str]] = defaultdict(set)  # code -> its keys
        for code, text, official, group in entries:
            key = match_key(text)
            if not key:
                continue
            self._exact[key][code] = self._exact[key].get(code, False) or official
            self._group[code] = group
            if official:
                self._official[code] = key
            self._keys[code].add(key)
            pairs[group].add((key, code))
            pairs[None].add((key, code))
        self._choices = {g: sorted(p) for g, p in pairs.items()}
        self._choice_keys = {g: [k for k, _ in p] for g, p in self._choices.items()}
        self._by_word: dict[str, set[str]] = defaultdict(set)  # word -> codes (official names)
        for code, key in self._official.items():
            for word in key.split():
                self._by_word[word].add(code)

    def codes(self, key: str) -> dict[str, bool]:
        """The codes whose official name (``True``) or an alias (``False``) has this key."""
        return dict(self._exact.get(key, {}))

    def shared_keys(self) -> dict[str, tuple[str, ...]]:
        """The keys that name more than one division, with their codes."""
        return {k: tuple(sorted(codes)) for k, codes in self._exact.items() if len(codes) > 1}

    def group(self, code: str) -> str | None:
        """The parent code of a division in the index."""
        return self._group.get(code)

    def containing(self, key: str, group: str | None = None) -> set[str]:
        """Codes whose official name holds ``key`` as whole words and is longer than it."""
        words = key.split()
        codes = set.intersection(*(self._by_word.get(w, set()) for w in words)) if words else set()
        return {
            c
            for c in codes
            if self._official[c] != key
            and contains_words(key, self._official[c])
            and group in (None, self._group[c])
        }

    def fuzzy(self, key: str, group: str | None = None, cutoff: float = 0.0) -> list[Found]:
        """Codes by decreasing similarity of their best key to ``key``, one entry each."""
        pairs, keys = self._choices.get(group, []), self._choice_keys.get(group, [])
        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=24)
        best: dict[str, float] = {}
        for _, score, i in found:
            best[pairs[i][1]] = max(best.get(pairs[i][1], 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [Found("fuzzy", (code,), score) for code, score in ranked[:8]]

    def search(self, key: str, group: str | None = None) -> Found:
        """Apply the matching rules to one key, within ``group`` when given.

        1. Exact: the key of an official name (``exact``) or of an alias (``alias``). An alias
           that is also part of other official names ("Concepción", INE's short form of
           Concepción Huista) brings those in as candidates.
        2. Otherwise (``fuzzy``), the candidates are the official names holding the key as
           whole words ("Cotzal" in San Juan Cotzal) and the names whose ``ratio`` reaches
           :data:`FUZZY_CUTOFF` and comes within :data:`FUZZY_MARGIN` of the best one.
        3. Otherwise, one slip of the hand (see :meth:`slip`).

        Several candidates give ``ambiguous``; none gives ``not_found`` with, as candidates,
        the exact matches outside ``group`` or else the closest names.
        """
        hits = self.codes(key)
        codes = set(hits)
        if any(not official for official in hits.values()):
            codes |= self.containing(key)
        inside = {c for c in codes if group in (None, self._group[c])}
        if len(inside) == 1:
            (code,) = inside
            if code in hits:
                return Found("exact" if hits[code] else "alias", (code,))
            return Found("fuzzy", (code,), self._ratio(key, code))
        if inside:
            return Found("ambiguous", tuple(sorted(inside)))
        if len(key) < MIN_FUZZY_LENGTH:
            return Found("not_found", tuple(sorted(codes)))
        pool = {code: self._ratio(key, code) for code in self.containing(key, group)}
        ranked = self.fuzzy(key, group, cutoff=SUGGEST_CUTOFF)
        top = max([f.score or 0.0 for f in ranked[:1]], default=0.0)
        for found in ranked:
            code, score = found.codes[0], found.score or 0.0
            if score < max(FUZZY_CUTOFF, top - FUZZY_MARGIN + 1e-9):
                continue
            pool[code] = score
            for k in self._keys[code]:  # an alias' other owners, as in rule 1
                if k != self._official.get(code) and fuzz.ratio(key, k) == score:
                    for other in self.containing(k, group):
                        pool.setdefault(other, 0.0)
        if len(pool) == 1:
            ((code, score),) = pool.items()
            return Found("fuzzy", (code,), score)
        if pool:
            return Found("ambiguous", tuple(sorted(pool)), top or None)
        slip = self.slip(key, group)
        if slip is not None:
            return slip
        return Found("not_found", tuple(sorted(codes) or [f.codes[0] for f in ranked[:3]]))

    def slip(self, key: str, group: str | None = None) -> Found | None:
        """Rule 3, one slip of the hand: a short name with one letter wrong, missing, added or
        two letters swapped ("MONAJS", "MIXIO" for Monjas, Mixco) scores below
        :data:`FUZZY_CUTOFF` but is still one edit away. Accepted only when a single division
        is that close (two edits from 8 letters on); otherwise None.
        """
        allowed = 1 if len(key) < 8 else 2
        pairs, keys = self._choices.get(group, []), self._choice_keys.get(group, [])
        near = process.extract(key, keys, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        if not near:
            return None
        best = min(distance for _, distance, _ in near)
        codes = {pairs[i][1] for _, distance, i in near if distance == best}
        if len(codes) != 1:
            return None
        (code,) = codes
        return Found("fuzzy", (code,), self._ratio(key, code))

    def _ratio(self, key: str, code: str) -> float:
        return fuzz.ratio(key, self._official[code])
