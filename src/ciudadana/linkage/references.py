"""Links a source states itself: a court case cites the prosecutor's case it came from.

When a record cites another source's record (``related_record_id`` = that record's
``record_id``), the accused of the cited case is the accused of the citing one, and so is the
victim when the cited case has only one. Those pairs are added to the person links with a high
probability (a reviewer's "different" still keeps them apart), unless the two names disagree.

Example:
    >>> rows = [
    ...     {"uid": 1, "source_id": "oj", "role": "victim", "record_id": "C-1",
    ...      "related_record_id": "M-9", "given1": None, "surname1": None},
    ...     {"uid": 2, "source_id": "mp", "role": "victim", "record_id": "M-9",
    ...      "related_record_id": None, "given1": "ana", "surname1": "lopez"},
    ... ]
    >>> reference_edges(rows)
    [(1, 2, 0.995)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rapidfuzz.distance import JaroWinkler

PROBABILITY = 0.995


def _names_disagree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both named, and neither the first given name nor the first surname is alike."""
    checks = []
    for column in ("given1", "surname1"):
        x, y = a.get(column), b.get(column)
        if x and y:
            checks.append(JaroWinkler.similarity(x, y) >= 0.85)
    return bool(checks) and not any(checks)


def reference_edges(records: Sequence[dict[str, Any]]) -> list[tuple[int, int, float]]:
    """Person links implied by citations between records (see the module's docstring)."""
    cited: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        if rec.get("record_id"):
            cited[rec["record_id"]].append(rec)
    edges = []
    for rec in records:
        target = rec.get("related_record_id")
        if not target or target not in cited:
            continue
        same_role = [
            c
            for c in cited[target]
            if c["role"] == rec["role"] and c["source_id"] != rec["source_id"]
        ]
        if rec["role"] == "victim":
            named = {(c.get("given1"), c.get("surname1")) for c in same_role}
            if len(named) != 1:  # several victims in the cited case: the citation does not say
                continue
        for other in same_role:
            if not _names_disagree(rec, other):
                edges.append((rec["uid"], other["uid"], PROBABILITY))
    return edges
