"""How two writings of one person's name differ, as a clerk would tell it.

Used where two records share an exact key (a valid identity number, a case reference): the
difference is named (accents, order of the surnames, a missing part, a married form, an
abbreviation, a typing slip) and put on the record that most likely holds the fault.

Example:
    >>> a = NameParts(given="MARÍA JOSÉ", surnames="LÓPEZ CRUZ")
    >>> b = NameParts(full="MARIA JOSE LOPEZ CRUZ")
    >>> [(d.side, d.part, d.kind) for d in compare_names(a, b)]
    [('b', 'full_name', 'accents')]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from ciudadana.i18n import N_

PARTICLES = re.compile(r"\b(DE|DEL|LA|LAS|LOS)\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper case without accents (ñ becomes N, as many systems write it)."""
    bare = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in bare if not unicodedata.combining(c))


def units(text: str) -> list[str]:
    """Name units: words, with particles kept with the word they introduce (``DE_LEÓN``)."""
    return list(_units(text))


@lru_cache(maxsize=65536)
def _units(text: str) -> tuple[str, ...]:
    clean = " ".join(text.upper().split())
    return tuple(PARTICLES.sub(lambda m: m.group(1) + "_", clean).split())


def accents(text: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFKD", text) if unicodedata.combining(c))


@dataclass(frozen=True)
class NameParts:
    """A name as one record holds it: whole (``full``) or as given names and surnames."""

    full: str | None = None
    given: str | None = None
    surnames: str | None = None

    @property
    def structured(self) -> bool:
        return self.full is None and (self.given is not None or self.surnames is not None)

    def text(self) -> str:
        if self.full is not None:
            return self.full
        return " ".join(p for p in (self.given, self.surnames) if p)

    def known(self) -> bool:
        return bool(self.text().strip())


@dataclass(frozen=True)
class Difference:
    """``side`` ("a" or "b") holds the likely fault in ``part`` (a name field); ``kind``."""

    side: str
    part: str
    kind: str


KINDS_ES = {
    "accents": N_("le faltan tildes"),
    "order": N_("los apellidos están en otro orden"),
    "incomplete": N_("le falta una parte del nombre"),
    "married": N_("usa la forma de casada"),
    "abbreviated": N_("trae un nombre abreviado"),
    "typo": N_("difiere en una o dos letras"),
    "different": N_("es otro nombre"),
}


def compare_names(
    a: NameParts, b: NameParts, frequency: Callable[[str], int] | None = None
) -> list[Difference]:
    """The differences between two writings of what should be the same person's name.

    ``frequency`` (how many records write a folded word) settles a typing slip: the writing
    whose odd word is far rarer holds it; without it, or when unclear, both are named.

    Where both writings can be cut into given names and surnames and both parts differ (a
    missing second given name beside a missing second surname; an abbreviation beside
    surnames in another order), each part is told apart on its own. A writing with two
    surnames that puts second the surname the other writing puts first (alone, or before a
    married "DE ...") has them in the wrong order: the first surname is the one Guatemalans
    keep when they drop one or take a husband's.
    """
    if not (a.known() and b.known()):
        return []
    ta, tb = units(a.text()), units(b.text())
    if ta == tb:
        return []
    split = _split(a, b, ta, tb)
    fa, fb = [fold(t) for t in ta], [fold(t) for t in tb]
    compound = (
        split is not None
        and sorted(fa) != sorted(fb)
        and all(_folded(x) != _folded(y) for x, y in ((split[0], split[2]), (split[1], split[3])))
    )
    found: list[Difference] = []
    if compound:
        ga, sa, gb, sb = split
        for (mine, theirs), part in (((ga, gb), "given_names"), ((sa, sb), "surnames")):
            for sides, kind in _kinds(mine, theirs, frequency):
                found += [Difference(s, _field(a if s == "a" else b, part), kind) for s in sides]
    else:
        for sides, kind in _kinds(ta, tb, frequency):
            found += _placed(sides, kind, a, b, ta, tb)
    if split is not None:
        for side in _first_surname_second(split[1], split[3]):
            field = _field(a if side == "a" else b, "surnames")
            if Difference(side, field, "order") not in found:
                found.append(Difference(side, field, "order"))
    return found


def _kinds(
    ta: list[str], tb: list[str], frequency: Callable[[str], int] | None
) -> list[tuple[list[str], str]]:
    """What kind of difference two writings (name units) show, and which side holds it. An
    abbreviation may come with a missing part: ``MA. LUCÍA`` against ``MARÍA``."""
    fa, fb = [fold(t) for t in ta], [fold(t) for t in tb]
    if fa == fb:
        na, nb = accents(" ".join(ta)), accents(" ".join(tb))
        return [((["a"] if na < nb else ["b"] if nb < na else ["a", "b"]), "accents")]
    abbreviated = [s for s, mine in (("a", fa), ("b", fb)) if any(t.endswith(".") for t in mine)]
    if abbreviated:
        out: list[tuple[list[str], str]] = [(abbreviated, "abbreviated")]
        ea, eb = _expanded(fa, fb), _expanded(fb, fa)
        ca, cb = Counter(ea), Counter(eb)
        if ca < cb:
            out.append((["a"], "incomplete"))
        elif cb < ca:
            out.append((["b"], "incomplete"))
        return out
    if sorted(fa) == sorted(fb):
        return [(["a", "b"], "order")]
    married = [s for s, mine, other in (("a", fa, fb), ("b", fb, fa)) if _married(mine, other)]
    if married:
        return [(married, "married")]
    ca, cb = Counter(fa), Counter(fb)
    if ca < cb:
        return [(["a"], "incomplete")]
    if cb < ca:
        return [(["b"], "incomplete")]
    if _distance(" ".join(fa), " ".join(fb)) <= 2:
        return [(_rarer(fa, fb, frequency), "typo")]
    return [(["a", "b"], "different")]


def _expanded(mine: list[str], other: list[str]) -> list[str]:
    """Abbreviated units (``MA.``) written as the other writing's unit they stand for."""
    out = []
    for t in mine:
        stem = t.rstrip(".")
        full = next((u for u in other if t.endswith(".") and u.startswith(stem)), None)
        out.append(full or t)
    return out


def _folded(name_units: list[str]) -> list[str]:
    return [fold(t) for t in name_units]


def _field(writing: NameParts, part: str) -> str:
    """The field of a writing that holds ``part`` (a whole name holds every part)."""
    return part if writing.structured else "full_name"


def _split(
    a: NameParts, b: NameParts, ta: list[str], tb: list[str]
) -> tuple[list[str], list[str], list[str], list[str]] | None:
    """Given names and surnames of both writings: as a structured writing holds them, and a
    whole name cut where it best matches the other's parts. ``None`` if neither is structured
    or one lacks a part."""

    def parts(w: NameParts) -> tuple[list[str], list[str]] | None:
        given, surnames = units(w.given or ""), units(w.surnames or "")
        return (given, surnames) if given and surnames else None

    pa_ = parts(a) if a.structured else None
    pb = parts(b) if b.structured else None
    if pa_ is None and pb is None:
        return None
    if (a.structured and pa_ is None) or (b.structured and pb is None):
        return None
    if pa_ is None:
        assert pb is not None
        k = _cut(b, ta)
        pa_ = (ta[:k], ta[k:])
    if pb is None:
        k = _cut(a, tb)
        pb = (tb[:k], tb[k:])
    if not all((*pa_, *pb)):
        return None
    return pa_[0], pa_[1], pb[0], pb[1]


def _first_surname_second(sa: list[str], sb: list[str]) -> list[str]:
    """The side whose two surnames put second the one surname of the other writing (alone, or
    before a married ``DE_`` unit), and the first one nowhere: it has them in another order."""
    out = []
    for side, mine, other in (("a", sa, sb), ("b", sb, sa)):
        own = [fold(t) for t in mine if not t.startswith("DE_")]
        theirs = [fold(t) for t in other if not t.startswith("DE_")]
        if len(own) == 2 and len(theirs) == 1 and theirs[0] == own[1] != own[0]:
            out.append(side)
    return out


def _rarer(fa: list[str], fb: list[str], frequency: Callable[[str], int] | None) -> list[str]:
    """The side whose words the other lacks are far rarer in the corpus (both if unclear)."""
    only_a, only_b = [t for t in fa if t not in fb], [t for t in fb if t not in fa]
    if frequency is None or not only_a or not only_b:
        return ["a", "b"]
    ra, rb = min(map(frequency, only_a)), min(map(frequency, only_b))
    if 4 * ra < rb:
        return ["a"]
    if 4 * rb < ra:
        return ["b"]
    return ["a", "b"]


def _married(mine: list[str], other: list[str]) -> bool:
    """``LÓPEZ DE_PÉREZ`` against ``LÓPEZ CRUZ``: a ``DE_`` unit the other writing lacks."""
    extra = [t for t in mine if t.startswith("DE_") and t not in other]
    return bool(extra) and len(mine) <= len(other)


def _placed(
    sides: list[str], kind: str, a: NameParts, b: NameParts, ta: list[str], tb: list[str]
) -> list[Difference]:
    """Put a difference on the name field(s) of each side that hold it."""
    out = []
    for side in sides:
        mine, other = (a, tb) if side == "a" else (b, ta)
        for part in _parts(mine, other, kind):
            out.append(Difference(side, part, kind))
    return out


def _parts(mine: NameParts, other: list[str], kind: str) -> list[str]:
    """Which of a structured writing's parts differ: split the other writing where it best
    matches this one's given names and surnames (two surnames on a tie, as Guatemalans write)."""
    if not mine.structured:
        return ["full_name"]
    given, surnames = units(mine.given or ""), units(mine.surnames or "")
    best = _cut(mine, other)
    same = (
        (lambda x, y: x == y)
        if kind == "accents"
        else (lambda x, y: [fold(t) for t in x] == [fold(t) for t in y])
    )
    parts = []
    if given and not same(given, other[:best]):
        parts.append("given_names")
    if surnames and not same(surnames, other[best:]):
        parts.append("surnames")
    return parts or ["given_names" if given else "surnames"]


def _cut(mine: NameParts, other: list[str]) -> int:
    """Where the whole name ``other`` best splits into this structured writing's given names
    (``other[:k]``) and surnames (two surnames on a tie, as Guatemalans write)."""
    given, surnames = units(mine.given or ""), units(mine.surnames or "")
    n = len(other)
    head = _prefix_costs(given, other)  # head[k]: given names against other[:k]
    # tail[m]: surnames against the last m units; in the other order at half a unit's cost
    # (surnames swapped are a common fault, but the order as written comes first)
    tail = [
        min(x, y + 0.5)
        for x, y in zip(
            _prefix_costs(surnames[::-1], other[::-1]),
            _prefix_costs(surnames, other[::-1]),
            strict=True,
        )
    ]
    return min(
        range(n + 1),
        key=lambda k: (head[k] + tail[n - k], n - k != 2, abs(k - len(given))),
    )


def _prefix_costs(a: list[str], b: list[str]) -> list[float]:
    """Edit distance between the name units ``a`` and every prefix ``b[:k]`` (a unit one or
    two letters off: 0.5), from one table. Reversing both lists gives the suffixes."""
    fb = [fold(t) for t in b]
    prev = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate((fold(t) for t in a), start=1):
        cur = [float(i)]
        for j, y in enumerate(fb, start=1):
            sub = 0.0 if x == y else 0.5 if _distance(x, y) <= 2 else 1.0
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub))
        prev = cur
    return prev


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once)."""
    return int(OSA.distance(a, b))
