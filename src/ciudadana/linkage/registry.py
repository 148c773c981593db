"""What a run needs from the warehouse before it links, and stable identifiers after.

:func:`read_snapshot` reads, on a read-only connection, the person records of the current loads,
the clerical decisions in force and the identifiers the last run gave. :func:`stable_ids` keeps
a person's identifier from one run to the next: a new cluster takes the identifier most of its
records had; a cluster of records never seen gets a new one.

Example:
    >>> stable_ids({1: 1, 2: 1, 3: 3}, {1: "P0000007", 2: "P0000007"}, "P", 8)
    {1: 'P0000007', 2: 'P0000007', 3: 'P0000008'}
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from textwrap import dedent
from typing import Any

import duckdb

from ciudadana.linkage.prepare import read_person_rows, uid_of


@dataclass
class Snapshot:
    """The warehouse as a run found it."""

    rows: list[dict[str, Any]]
    decisions: list[dict[str, Any]] = field(default_factory=list)
    previous: dict[str, dict[int, str]] = field(default_factory=dict)
    next_number: dict[str, int] = field(default_factory=dict)
    next_run_id: int = 1
    validations: set[tuple[int, int, str]] = field(default_factory=set)


def _all(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def decisions_sql() -> str:
    """The decisions in force: the latest on each pair."""
    return dedent(
        """
        select *
        from restricted.link_decisions
        where superseded_by is null
        order by decision_id
        """
    )


def _number(ident: str) -> int:
    digits = re.sub(r"\D", "", ident)
    return int(digits) if digits else 0


def read_snapshot(con: duckdb.DuckDBPyConnection, sources: Sequence[str] | None = None) -> Snapshot:
    """Person records, decisions, the last identifiers and the next numbers, read at once."""
    snap = Snapshot(rows=read_person_rows(con, sources))
    snap.decisions = _all(con, decisions_sql())
    for kind, table, column in (
        ("persons", "person_registry", "person_id"),
        ("events", "event_registry", "event_id"),
    ):
        role = "role" if kind == "persons" else "'victim' as role"
        last = _all(
            con,
            f"select load_id, row_number, {role}, {column} as ident "
            f"from restricted.current_{table}",
        )
        snap.previous[kind] = {
            uid_of(r["load_id"], r["row_number"], r["role"]): r["ident"] for r in last
        }
        (highest,) = con.execute(
            f"select coalesce(max({column}), '0') from restricted.{table}"
        ).fetchone()
        snap.next_number[kind] = _number(highest) + 1
    (run,) = con.execute("select coalesce(max(run_id), 0) + 1 from restricted.link_runs").fetchone()
    snap.next_run_id = int(run)
    snap.validations = {
        (r["year"], r["month"], r["department_code"])
        for r in _all(con, "select year, month, department_code from restricted.link_validations")
    }
    return snap


def decision_edges(
    decisions: Sequence[dict[str, Any]], kind: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Pairs a person declared the same (``must``) and different (``cannot``), as linkage ids."""
    must, cannot = [], []
    for d in decisions:
        if d["kind"] != kind:
            continue
        pair = (
            uid_of(d["load_id_l"], d["row_number_l"], d["role_l"]),
            uid_of(d["load_id_r"], d["row_number_r"], d["role_r"]),
        )
        (must if d["decision"] == "same" else cannot).append(pair)
    return must, cannot


def stable_ids(
    clusters: dict[int, int], previous: dict[int, str], prefix: str, start: int
) -> dict[int, str]:
    """An identifier per record: its cluster's previous identifier by majority, else a new one.

    When two new clusters claim the same previous identifier (a person split by a reviewer),
    the cluster with more records that had it keeps it; the other gets a new identifier.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for uid, root in clusters.items():
        members[root].append(uid)
    claims: list[tuple[int, int, str]] = []  # (-votes, root, previous id)
    for root, uids in members.items():
        votes = Counter(previous[u] for u in uids if u in previous)
        if votes:
            ident, n = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            claims.append((-n, root, ident))
    given: dict[int, str] = {}
    taken: set[str] = set()
    for _neg, root, ident in sorted(claims):
        if ident not in taken:
            given[root] = ident
            taken.add(ident)
    number = start
    for root in sorted(members):
        if root not in given:
            given[root] = f"{prefix}{number:07d}"
            number += 1
    return {uid: given[root] for uid, root in clusters.items()}
