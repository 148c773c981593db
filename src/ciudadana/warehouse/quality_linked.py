"""Write what comparing linked records adds to the quality diagnosis (``ciudadana.quality.linked``).

A person linkage run ties together records that share no exact key; those that disagree become
findings of the rule ``same-person-differs``, marked with the linkage run (``link_run_id``).
They replace the findings of the previous linkage run, and the scores of the loads they touch
are recomputed from the stored findings and denominators, in one transaction.
"""

from __future__ import annotations

from typing import Any

from ciudadana.warehouse.store import Warehouse

# Target table -> the temporary staging table the comparison fills for it.
LINKED_STAGED = {
    "quality_findings": "_stage_linked_findings",
    "quality_checked": "_stage_linked_checked",
}
SCORES_STAGED = "_stage_quality_scores"


def commit_linked_quality(wh: Warehouse, run: dict[str, Any], scored: list[int]) -> None:
    """Write one comparison of linked records: its row in ``quality_runs`` (with
    ``link_run_id``), its findings and denominators in place of every earlier linkage run's, and
    the recomputed scores of the loads in ``scored``. All of it, or nothing at all.

    Args:
        wh: the open warehouse, with the staging tables of :data:`LINKED_STAGED` and
            ``_stage_quality_scores`` on its connection.
        run: the row of ``quality_runs`` (``run_id``, ``link_run_id``, ``load_ids``...).
        scored: the loads whose scores ``_stage_quality_scores`` holds.

    Example:
        >>> commit_linked_quality(wh, {"run_id": 9, "link_run_id": 4}, [2])  # doctest: +SKIP
    """
    columns = list(run)
    with wh.transaction():
        wh.execute(
            f"insert into quality_runs ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [run[c] for c in columns],
        )
        for target, staged in LINKED_STAGED.items():
            wh.execute(f"delete from {target} where link_run_id is not null")
            wh.execute(
                f"insert into {target} by name select ?::integer as run_id, * from {staged}",
                [run["run_id"]],
            )
        wh.execute("delete from quality_scores where load_id in (select unnest(?))", [scored])
        wh.execute(
            f"insert into quality_scores by name select ?::integer as run_id, * "
            f"from {SCORES_STAGED} where load_id in (select unnest(?))",
            [run["run_id"], scored],
        )
    drop_linked_staging(wh)


def drop_linked_staging(wh: Warehouse) -> None:
    for name in (*LINKED_STAGED.values(), SCORES_STAGED):
        wh.con.execute(f"drop table if exists temp.{name}")
