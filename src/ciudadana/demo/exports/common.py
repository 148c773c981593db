"""What every export needs: people's names and numbers, dates, places and the usual faults.

Example:
    >>> dmy(day_number(dt.date(2019, 3, 4)))
    '04/03/2019'
    >>> excel_serial(day_number(dt.date(2020, 1, 1)))
    43831
    >>> format_cui("2345678900101")
    '2345 67890 0101'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ciudadana.demo.faults import Injector, Record
from ciudadana.demo.names import strip_accents, typo
from ciudadana.demo.population import EPOCH, day_number
from ciudadana.demo.reference import PUEBLOS
from ciudadana.demo.world import World

__all__ = ["day_number"]

#: Real places that are not municipalities (a crossing, a village, an airport zone, a port).
NOT_MUNICIPALITIES: tuple[str, ...] = (
    "Los Encuentros",
    "El Naranjo",
    "La Aurora",
    "Puerto Quetzal",
    "El Rancho",
    "Nueva Esperanza",
)
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Santiago ", "Stgo. "),
    ("Santa ", "Sta. "),
    ("Santo ", "Sto. "),
    ("San ", "Sn. "),
    ("Francisco", "Fco."),
    ("Nueva ", "Nva. "),
)
GIVEN_ABBREVIATIONS: dict[str, str] = {"María": "Ma.", "Francisco": "Fco.", "José": "Jo."}


@dataclass(frozen=True)
class Person:
    """A resident as records show them (proper case, with accents)."""

    id: int
    given1: str
    given2: str
    surname1: str
    surname2: str
    married: str
    sex: int
    birth: int
    cui: str
    pueblo: str

    def given(self) -> str:
        return f"{self.given1} {self.given2}".strip()

    def surnames(self, married: bool = False) -> str:
        if married and self.married:
            return f"{self.surname1} de {self.married}"
        return f"{self.surname1} {self.surname2}"

    def full(self, married: bool = False) -> str:
        return f"{self.given()} {self.surnames(married)}"

    def age_on(self, day: int) -> int:
        b, d = day_to_date(self.birth), day_to_date(day)
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def person(world: World, index: int) -> Person:
    """The resident at ``index`` (person id = index + 1), cached on the world."""
    cached = world.people.get(index)
    if cached is None:
        prefetch(world, np.array([index]))
        cached = world.people[index]
    return cached


def prefetch(world: World, indices: np.ndarray) -> None:
    """Build the ``Person`` of many residents at once (vectorised gathers), into the cache."""
    todo = np.unique(np.asarray(indices))
    todo = todo[todo >= 0]
    if not len(todo):
        return
    r, p, n = world.residents, world.pools, world.residents.names
    given = p.given + ("",)  # index -1 -> ""
    surnames = p.surnames + ("",)
    columns = zip(
        todo.tolist(),
        n.given1[todo].tolist(),
        n.given2[todo].tolist(),
        n.surname1[todo].tolist(),
        n.surname2[todo].tolist(),
        n.married[todo].tolist(),
        r.sex[todo].tolist(),
        r.birth[todo].tolist(),
        r.cui[todo].tolist(),
        r.pueblo[todo].tolist(),
        strict=True,
    )
    for i, g1, g2, s1, s2, m, sex, birth, cui, pueblo in columns:
        if i not in world.people:
            world.people[i] = Person(
                i + 1,
                given[g1],
                given[g2],
                surnames[s1],
                surnames[s2],
                surnames[m],
                sex,
                birth,
                f"{cui:013d}",
                PUEBLOS[pueblo],
            )


def siblings(world: World, muni: int) -> list[str]:
    """Names of the other municipalities of ``muni``'s department."""
    ref = world.ref
    table = _SIBLINGS.get(id(ref))
    if table is None:
        depts = ref.muni_dept.tolist()
        table = _SIBLINGS[id(ref)] = [
            [n for i, n in enumerate(ref.muni_names) if depts[i] == d and i != m]
            for m, d in enumerate(depts)
        ]
    return table[muni]


_SIBLINGS: dict[int, list[list[str]]] = {}


@lru_cache(maxsize=16384)
def day_to_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


@lru_cache(maxsize=16384)
def dmy(day: int) -> str:
    return day_to_date(day).strftime("%d/%m/%Y")


@lru_cache(maxsize=16384)
def iso(day: int) -> str:
    return day_to_date(day).isoformat()


def excel_serial(day: int) -> int:
    """Excel's serial number of a day (1900 date system)."""
    return int(day) + 25569


def format_cui(cui: str) -> str:
    """The DPI card's printed form: 4, 5 and 4 digits."""
    return f"{cui[:4]} {cui[4:9]} {cui[9:]}"


def cui_typo(cui: str, rng: np.random.Generator) -> str:
    """Change one digit of the serial: the verifier no longer matches."""
    i = int(rng.integers(8))
    digit = (int(cui[i]) + int(rng.integers(1, 10))) % 10
    return cui[:i] + str(digit) + cui[i + 1 :]


def cui_transposed(cui: str, rng: np.random.Generator) -> str:
    """Swap two neighbouring, different digits of the serial (the verifier fails)."""
    pairs = [i for i in range(7) if cui[i] != cui[i + 1]]
    if not pairs:
        return cui_typo(cui, rng)
    i = pairs[int(rng.integers(len(pairs)))]
    return cui[:i] + cui[i + 1] + cui[i] + cui[i + 2 :]


def impossible_date(day: int, rng: np.random.Generator, fmt: str = "dmy") -> str:
    """A date that does not exist, in the export's format."""
    year = day_to_date(day).year
    d, m = [(31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11), (0, 5), (15, 13)][
        int(rng.integers(8))
    ]
    return f"{year}-{m:02d}-{d:02d}" if fmt == "iso" else f"{d:02d}/{m:02d}/{year}"


def misspell(
    name: str,
    rng: np.random.Generator,
    aliases: Iterable[str] = (),
    avoid: Iterable[str] = (),
) -> str:
    """A misspelling of a place name as clerks type it.

    Never the name itself, nor (ignoring case and accents) any name in ``avoid``: the other
    municipalities of the department, so the misspelling stays resolvable.
    """
    taken = {fold(a) for a in avoid} | {fold(name)}
    options = [a for a in aliases if fold(a) not in taken]
    for long, short in ABBREVIATIONS:
        if long in name:
            options.append(name.replace(long, short, 1))
    if strip_accents(name) != name:
        options += [strip_accents(name)] * 2
    words = name.split()
    if len(words) > 2 and words[1].lower() in ("de", "del", "la"):
        options.append(" ".join(words[:1] + words[2:]))
    options = [o for o in options if o == strip_accents(name) or fold(o) not in taken]
    options.append(typo(name, rng))
    return options[int(rng.integers(len(options)))]


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without accents, for comparing names."""
    return strip_accents(text).lower().strip()


def name_faults(
    inj: Injector,
    field: str,
    style,
    people: dict[int, Person],
    rate: float,
    role: str = "victim",
    part: str = "full",
) -> None:
    """Typical faults of a name field; ``part`` is "full", "given" or "surnames".

    ``style`` renders text the way the source writes it (upper case, for instance); the field's
    clean value must already be ``style(...)`` of the person's name.
    """

    def who(rec: Record) -> Person | None:
        return people.get(rec.victim if role == "victim" else rec.aggressor)

    def render(rec: Record, variant: str) -> str:
        p = who(rec)
        if p is None:
            return rec.values[field]
        given = p.given1 if variant == "second-given" else p.given()
        if variant == "abbrev":
            given = " ".join([GIVEN_ABBREVIATIONS.get(p.given1, p.given1), p.given2]).strip()
        surnames = {
            "second-surname": p.surname1,
            "swapped": f"{p.surname2} {p.surname1}",
            "married": p.surnames(married=True),
        }.get(variant, p.surnames())
        text = {"full": f"{given} {surnames}", "given": given, "surnames": surnames}[part]
        return style(text)

    rng = inj.rng

    def has_name(rec: Record) -> bool:
        """Only a field still holding the person's clean name takes a name fault."""
        return who(rec) is not None and rec.values[field] == render(rec, "clean")

    if part in ("full", "surnames"):
        inj.apply(
            "married-form",
            field,
            rate * 4,
            lambda r, v: render(r, "married"),
            lambda r: has_name(r) and bool(who(r).married),
        )
        inj.apply(
            "second-surname-missing",
            field,
            rate,
            lambda r, v: render(r, "second-surname"),
            has_name,
        )
        inj.apply("surnames-swapped", field, rate / 3, lambda r, v: render(r, "swapped"), has_name)
    if part in ("full", "given"):
        inj.apply(
            "second-given-missing",
            field,
            rate,
            lambda r, v: render(r, "second-given"),
            lambda r: has_name(r) and bool(who(r).given2),
        )
        inj.apply(
            "given-abbreviated",
            field,
            rate,
            lambda r, v: render(r, "abbrev"),
            lambda r: has_name(r) and who(r).given1 in GIVEN_ABBREVIATIONS,
        )
    inj.apply("typo", field, rate, lambda r, v: typo(v, rng), has_name)
    inj.apply("accents-dropped", field, rate * 1.5, lambda r, v: strip_accents(v), has_name)


def cui_faults(inj: Injector, field: str, missing: float, rate: float) -> None:
    """Blank, mistyped, transposed and formatted identity numbers in ``field``."""
    rng = inj.rng
    present = lambda rec: len(rec.values[field]) == 13  # noqa: E731
    inj.apply("cui-missing", field, missing, lambda r, v: "", present)
    inj.apply("cui-typo", field, rate, lambda r, v: cui_typo(v, rng), present)
    inj.apply("cui-transposed", field, rate / 2, lambda r, v: cui_transposed(v, rng), present)
    inj.apply("cui-formatted", field, rate * 2, lambda r, v: format_cui(v), present)


@dataclass
class Export:
    """One file written: who sends it, where it is, its records in file order."""

    source: str
    file: str
    records: list[Record]
    n_rows: int | None = None  # for tables without records (aggregates)

    @property
    def rows(self) -> int:
        """Data rows in the file (duplicates and refusable rows included)."""
        return len(self.records) if self.n_rows is None else self.n_rows


def refusals(n_records: int) -> int:
    """How many rows of each refusable kind an export of ``n_records`` rows carries."""
    return 2 + n_records // 2000


def write_csv(
    path: Path,
    header: list[str],
    rows: Iterable[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
    preamble: Iterable[list[str]] = (),
) -> None:
    """Write a CSV byte-for-byte reproducibly (fixed line ends, minimal quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for line in preamble:
        w.writerow(line)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
