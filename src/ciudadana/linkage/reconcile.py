"""Reconciled counts and the worklist of the monthly inter-institutional validation table.

Each event cluster (one victim of one event, as every source recorded them) counts once. Its
month, department, category (the 4-digit ICCS code) and sex are those most of its records give
(ties: the earliest date, the smallest code). Every figure is preliminary (``preliminar``) until
the table validates its department and month (``validado``).

The worklist lists, per department and month, what the table must resolve: a victim in one
source only (``single-source``) when other sources record that category and every source is
expected to record it in full (``single_source_categories``, homicide by default in the shipped
settings), records that disagree on the date (``date``), the municipality (``place``) or the
victim's sex (``sex``).

Example:
    >>> place = {"territory_code": "0101", "department_code": "01", "sex": "female"}
    >>> recs = [
    ...     {"uid": 1, "source_id": "pnc", "event_date": dt.date(2020, 5, 3), **place,
    ...      "iccs_code": "0101"},
    ...     {"uid": 2, "source_id": "mp", "event_date": dt.date(2020, 5, 4), **place,
    ...      "iccs_code": "0101.01"},
    ... ]
    >>> rec = reconcile(recs, {1: "H1", 2: "H1"})
    >>> rec.counts[0]["victims"], rec.counts[0]["status"], [w["issue"] for w in rec.worklist]
    (1, 'preliminar', ['date'])
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

PRELIMINARY = "preliminar"
VALIDATED = "validado"


def category_of(iccs: str | None) -> str | None:
    """The 4-digit ICCS category: ``"0101.01"`` -> ``"0101"``, ``"050211"`` -> ``"0502"``."""
    return iccs[:4] if iccs else None


def _mode(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


@dataclass
class Reconciliation:
    """Counts (main schema), counts per source (main) and the worklist (restricted)."""

    counts: list[dict[str, Any]] = field(default_factory=list)
    source_counts: list[dict[str, Any]] = field(default_factory=list)
    worklist: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0


def _short(source: str) -> str:
    return source.split("/")[-1]


def reconcile(
    records: Sequence[dict[str, Any]],
    event_ids: dict[int, str],
    validated: set[tuple[int, int, str]] | None = None,
    single_source_categories: Collection[str] | None = None,
) -> Reconciliation:
    """Counts and worklist from event records and their event identifiers.

    Args:
        records: dicts with ``uid``, ``source_id``, ``event_date``, ``territory_code``,
            ``department_code``, ``sex`` and ``iccs_code``.
        event_ids: record ``uid`` -> event identifier (one victim of one event).
        validated: ``(year, month, department_code)`` the table has validated.
        single_source_categories: categories where a victim in one source only is an issue
            (``None``: every category more than one source records).
    """
    validated = validated or set()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        if rec["uid"] in event_ids and rec.get("event_date") is not None:
            groups[event_ids[rec["uid"]]].append(rec)
    covering: dict[str | None, set[str]] = defaultdict(set)
    for rec in records:
        cat = category_of(rec.get("iccs_code"))
        if single_source_categories is None or cat in single_source_categories:
            covering[cat].add(rec["source_id"])
    counts: Counter[tuple[Any, ...]] = Counter()
    single: Counter[tuple[Any, ...]] = Counter()
    per_source: Counter[tuple[Any, ...]] = Counter()
    out = Reconciliation(events=len(groups))
    for event_id, recs in sorted(groups.items()):
        day = _mode_date([r["event_date"] for r in recs])
        dept = _mode(r.get("department_code") for r in recs)
        cat = _mode(category_of(r.get("iccs_code")) for r in recs)
        sex = _mode(r.get("sex") for r in recs)
        sources = sorted({r["source_id"] for r in recs})
        key = (day.year, day.month, dept, cat, sex)
        counts[key] += 1
        for source in sources:
            per_source[(day.year, day.month, dept, cat, source)] += 1
        issues = _issues(recs, sources, covering.get(cat, set()))
        if len(sources) == 1 and len(covering.get(cat, set())) > 1:
            single[key] += 1
        for issue, detail in issues:
            out.worklist.append(
                {
                    "year": day.year,
                    "month": day.month,
                    "department_code": dept,
                    "category": cat,
                    "event_id": event_id,
                    "issue": issue,
                    "detail": detail,
                    "sources": [_short(s) for s in sources],
                }
            )
    for (year, month, dept, cat, sex), n in sorted(counts.items(), key=_sort_key):
        status = VALIDATED if (year, month, dept) in validated else PRELIMINARY
        out.counts.append(
            {
                "year": year,
                "month": month,
                "department_code": dept,
                "category": cat,
                "sex": sex,
                "victims": n,
                "single_source": single[(year, month, dept, cat, sex)],
                "status": status,
            }
        )
    for (year, month, dept, cat, source), n in sorted(per_source.items(), key=_sort_key):
        out.source_counts.append(
            {
                "year": year,
                "month": month,
                "department_code": dept,
                "category": cat,
                "source_id": source,
                "victims": n,
            }
        )
    return out


def _sort_key(item: tuple[tuple[Any, ...], int]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in item[0])


def _mode_date(days: Sequence[dt.date]) -> dt.date:
    counts = Counter(days)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _issues(
    recs: Sequence[dict[str, Any]], sources: Sequence[str], covering: set[str]
) -> list[tuple[str, str]]:
    issues: list[tuple[str, str]] = []
    if len(sources) == 1 and len(covering) > 1:
        others = ", ".join(sorted(_short(s) for s in covering - set(sources)))
        issues.append(("single-source", f"solo {_short(sources[0])}; no aparece en {others}"))
    for issue, column in (("date", "event_date"), ("place", "territory_code"), ("sex", "sex")):
        values = {r[column] for r in recs if r.get(column) is not None}
        if len(values) > 1:
            detail = "; ".join(
                f"{_short(r['source_id'])} {r[column]}"
                for r in sorted(recs, key=lambda r: r["source_id"])
                if r.get(column) is not None
            )
            issues.append((issue, detail))
    return issues
