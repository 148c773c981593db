"""Faults injected into the exports, each one written down where it lands.

An export is built as a list of ``Record`` (field values as the user will see them, plus the true
event and persons behind it). An ``Injector`` then alters fields with a given probability and
notes every change as a ``Fault`` (field, kind, value before, value written); refusable faults
(an impossible date, an unknown municipality, a blank required field) are placed on a small,
known number of rows; duplicates are copies of records placed a little later in the file. After
``finalize`` fixes the row order, each fault and record knows its row as a spreadsheet user
counts it.

Fault kinds (``kind``) and whether a careful ingestion must refuse the row:

========================= ======= =========================================================
kind                      refuse  what happened
========================= ======= =========================================================
typo                      no      one letter dropped, doubled, swapped or replaced
accents-dropped           no      accents removed (Pérez -> Perez)
second-surname-missing    no      only the first surname written
surnames-swapped          no      the two surnames in the wrong order
married-form              no      a married woman's form (López de León) instead of her two
                                  surnames
second-given-missing      no      only the first given name written
name-unknown              no      the person's name not recorded (NO IDENTIFICADO, blank)
given-abbreviated         no      "Ma." for María, "Fco." for Francisco...
cui-missing               no      identity number left blank (adults only)
cui-typo                  no      one digit of the serial changed (the check digit fails)
cui-transposed            no      two neighbouring digits of the serial swapped (fails)
cui-formatted             no      spaces or dashes inside the number (still valid)
municipality-misspelt     no      a municipality name misspelt, abbreviated or unaccented
date-shift                no      the date of occurrence one to three days off
late-registration         no      registered more than 60 days after the fact
age-unknown               no      age written as unknown (blank, 999, IGNORADO)
age-off                   no      age one to three years off
sex-unknown               no      sex written as unknown
coordinates-swapped       no      latitude and longitude exchanged
duplicate                 no      the whole row repeated (``original_value`` = its row)
impossible-date           yes     a date that does not exist (31/02/2019)
unknown-municipality      yes     a place that is not a municipality of Guatemala
municipality-code-invalid yes     a municipality code that does not exist
blank-required            yes     a required field left blank
========================= ======= =========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

REFUSABLE: frozenset[str] = frozenset(
    {"impossible-date", "unknown-municipality", "municipality-code-invalid", "blank-required"}
)


@dataclass
class Fault:
    """One change to one field of one record."""

    field: str
    kind: str
    original: str
    written: str

    @property
    def refuse(self) -> bool:
        return self.kind in REFUSABLE


@dataclass
class Record:
    """One row of an export, with the truth behind it.

    Attributes:
        values: field -> value as written (strings; the XLSX writer turns dates and numbers
            into typed cells).
        key: the source's own identifier of the record.
        event: true event id (1-based) or 0.
        victim, aggressor: true person ids (1-based) or 0.
        sheet: worksheet name (XLSX) or "".
    """

    values: dict[str, str]
    key: str
    event: int = 0
    victim: int = 0
    aggressor: int = 0
    sheet: str = ""
    faults: list[Fault] = field(default_factory=list)
    duplicate_of: Record | None = None
    row: int = 0

    def faulted(self, name: str) -> bool:
        return any(f.field == name for f in self.faults)

    @property
    def refused(self) -> bool:
        return any(f.refuse for f in self.faults)


Change = Callable[[Record, str], str]


class Injector:
    """Inject faults into a list of records with one random generator."""

    def __init__(self, rng: np.random.Generator, records: list[Record]) -> None:
        self.rng = rng
        self.records = records

    def apply(
        self,
        kind: str,
        name: str,
        prob: float,
        change: Change,
        when: Callable[[Record], bool] | None = None,
    ) -> int:
        """Change field ``name`` of a share ``prob`` of the records; returns how many changed.

        A field takes at most one fault; records already refused are left alone.
        """
        hits = np.flatnonzero(self.rng.random(len(self.records)) < prob)
        changed = 0
        for i in hits.tolist():
            rec = self.records[i]
            if rec.faulted(name) or rec.refused or (when is not None and not when(rec)):
                continue
            old = rec.values[name]
            new = change(rec, old)
            if new != old:
                rec.values[name] = new
                rec.faults.append(Fault(name, kind, old, new))
                changed += 1
        return changed

    def refuse(self, kind: str, name: str, count: int, change: Change) -> int:
        """Put a refusable fault on ``count`` distinct clean records."""
        order = self.rng.permutation(len(self.records))
        done = 0
        for i in order.tolist():
            if done >= count:
                break
            rec = self.records[i]
            if rec.faults:
                continue
            old = rec.values[name]
            new = change(rec, old)
            if new != old:
                rec.values[name] = new
                rec.faults.append(Fault(name, kind, old, new))
                done += 1
        return done

    def duplicate(self, prob: float) -> list[Record]:
        """Copy a share ``prob`` of the (not refused) records; the copies keep their faults."""
        hits = np.flatnonzero(self.rng.random(len(self.records)) < prob)
        copies = []
        for i in hits.tolist():
            rec = self.records[i]
            if rec.refused:
                continue
            copy = Record(
                values=dict(rec.values),
                key=rec.key,
                event=rec.event,
                victim=rec.victim,
                aggressor=rec.aggressor,
                sheet=rec.sheet,
                faults=[Fault(f.field, f.kind, f.original, f.written) for f in rec.faults],
                duplicate_of=rec,
            )
            copies.append(copy)
        return copies


def finalize(
    rng: np.random.Generator, records: list[Record], copies: list[Record], first_row: int
) -> list[Record]:
    """Place each copy up to 40 rows after its original; number rows from ``first_row``.

    Rows are numbered per sheet when records carry sheet names.
    """
    position = {id(r): float(i) for i, r in enumerate(records)}
    keys = list(position.values())
    for c in copies:
        keys.append(position[id(c.duplicate_of)] + float(rng.integers(1, 41)) - 0.5)
    everything = records + copies
    order = np.argsort(np.array(keys), kind="stable")
    final = [everything[i] for i in order.tolist()]
    counters: dict[str, int] = {}
    for rec in final:
        rec.row = counters.get(rec.sheet, first_row)
        counters[rec.sheet] = rec.row + 1
    for c in copies:
        c.faults.insert(0, Fault("", "duplicate", str(c.duplicate_of.row), ""))
    return final


def fault_rows(source: str, file: str, records: list[Record]) -> list[dict[str, object]]:
    """The faults of one export as rows of ``truth/faults``."""
    return [
        {
            "source": source,
            "file": file,
            "sheet": r.sheet,
            "row": r.row,
            "field": f.field,
            "kind": f.kind,
            "original_value": f.original,
            "written_value": f.written,
            "must_refuse": f.refuse,
        }
        for r in records
        for f in r.faults
    ]


def map_rows(source: str, file: str, records: list[Record]) -> list[dict[str, object]]:
    """Which true event and persons each row of one export is (``truth/record_map``)."""
    return [
        {
            "source": source,
            "file": file,
            "sheet": r.sheet,
            "row": r.row,
            "record_key": r.key,
            "event_id": r.event,
            "victim_id": r.victim,
            "aggressor_id": r.aggressor,
            "duplicate_of_row": r.duplicate_of.row if r.duplicate_of else 0,
            "must_refuse": r.refused,
        }
        for r in records
    ]
