"""Write what record linkage decides (``ciudadana.linkage``): its runs, the restricted person and
event registers, the pairs and worklist, the reconciled counts, the clerical decisions, the
validations of the inter-institutional table and the estimates of unrecorded cases. Each call
is one transaction: all of it, or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ciudadana.warehouse.store import Warehouse

#: Tables a linkage run writes rows into (besides its row in restricted.link_runs).
LINKAGE_TARGETS = (
    "restricted.person_registry",
    "restricted.event_registry",
    "restricted.link_pairs",
    "restricted.link_worklist",
    "reconciled_counts",
    "reconciled_source_counts",
    "mse_estimates",
)


def commit_linkage(wh: Warehouse, runs: Sequence[dict[str, Any]], rows: dict[str, Any]) -> None:
    """Write linkage runs and their rows in one transaction: all of it, or nothing.

    Args:
        runs: rows of ``restricted.link_runs`` (one per kind linked).
        rows: target table (one of :data:`LINKAGE_TARGETS`) -> an Arrow table whose
            columns are named as the target's.

    Example:
        >>> commit_linkage(wh, [run], {"restricted.person_registry": table})  # doctest: +SKIP
    """
    unknown = set(rows) - set(LINKAGE_TARGETS)
    if unknown:
        raise ValueError(f"not linkage tables: {sorted(unknown)}")
    with wh.transaction():
        for run in runs:
            columns = list(run)
            wh.execute(
                f"insert into restricted.link_runs ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [run[c] for c in columns],
            )
        for target, table in rows.items():
            if table is None or len(table) == 0:
                continue
            wh.con.register("_stage_linkage", table)
            try:
                wh.execute(f"insert into {target} by name select * from _stage_linkage")
            finally:
                wh.con.unregister("_stage_linkage")


def _next_decision_id(wh: Warehouse) -> int:
    (value,) = wh.con.execute(
        "select coalesce(max(decision_id), 0) + 1 from restricted.link_decisions"
    ).fetchone()
    return int(value)


def record_link_decisions(wh: Warehouse, decisions: Sequence[dict[str, Any]]) -> int:
    """Keep a reviewer's decisions; each supersedes an earlier one on the same pair.

    Every decision is stored (none is ever deleted); the decision in force on a pair is the
    latest. Returns how many were stored.
    """
    if not decisions:
        return 0
    keys = (
        "kind",
        "load_id_l",
        "row_number_l",
        "role_l",
        "load_id_r",
        "row_number_r",
        "role_r",
    )
    with wh.transaction():
        next_id = _next_decision_id(wh)
        for offset, d in enumerate(decisions):
            decision_id = next_id + offset
            wh.execute(
                """
                update restricted.link_decisions
                set superseded_by = ?
                where superseded_by is null
                  and kind = ?
                  and ((load_id_l, row_number_l, role_l, load_id_r, row_number_r, role_r)
                       = (?, ?, ?, ?, ?, ?)
                    or (load_id_l, row_number_l, role_l, load_id_r, row_number_r, role_r)
                       = (?, ?, ?, ?, ?, ?))
                """,
                [
                    decision_id,
                    d["kind"],
                    *[d[k] for k in keys[1:]],
                    *[d[k] for k in (*keys[4:], *keys[1:4])],
                ],
            )
            row = {"decision_id": decision_id, **d}
            columns = list(row)
            wh.execute(
                f"insert into restricted.link_decisions ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [row[c] for c in columns],
            )
    return len(decisions)


def validate_reconciled(
    wh: Warehouse, year: int, month: int, department_code: str, by: str | None, note: str | None
) -> int:
    """Mark a department and month as validated by the inter-institutional table.

    Returns how many rows of the current reconciled counts changed to ``validado``.
    """
    with wh.transaction():
        (run_id,) = wh.con.execute(
            "select coalesce(max(run_id), 0) from reconciled_counts"
        ).fetchone()
        wh.execute(
            "insert into restricted.link_validations values (?, ?, ?, current_timestamp, ?, ?, ?)",
            [year, month, department_code, by, note, run_id],
        )
        (changed,) = wh.execute(
            """
            update reconciled_counts
            set status = 'validado'
            where run_id = ? and year = ? and month = ? and department_code = ?
            """,
            [run_id, year, month, department_code],
        ).fetchone()
    return int(changed)


def replace_mse_estimates(wh: Warehouse, run_id: int, table: Any) -> None:
    """Replace the unrecorded-cases estimates of an event run (counts only), atomically."""
    with wh.transaction():
        wh.execute("delete from mse_estimates where run_id = ?", [run_id])
        wh.con.register("_stage_mse", table)
        try:
            wh.execute("insert into mse_estimates by name select * from _stage_mse")
        finally:
            wh.con.unregister("_stage_mse")
