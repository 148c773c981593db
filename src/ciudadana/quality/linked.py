"""Linked records that disagree: the rule ``same-person-differs`` over the persons that record
linkage made, added to the stored diagnosis without running it again.

A diagnosis compares the records of one person only where an exact key ties them (a valid DPI,
a case reference); most records have none. After a person linkage run, ``ciudadana.linkage``
hands the persons it made to :func:`compare_linked` (quality never reads the registry: the
linkage is a later link of the chain). The same check runs again, over the exact pairs plus the
linked ones, with the same votes (the odd one out of three or more carries the finding), the
same tolerances for age and date and the same comparison of names; what only the linked pairs
show becomes findings marked with the linkage run (``link_run_id``), with the rows only they
compared as denominators. They replace those of the previous linkage run, the scores of every
diagnosed load are recomputed from the stored findings and denominators, and a diagnosis made
later keeps them (``engine._carry_linked``). As everywhere in quality, a finding on a name holds
no value.

Example:
    >>> report = compare_linked(ws, groups, link_run_id=4)  # doctest: +SKIP
    >>> report.findings, report.scored
    (812, [2, 3, 4, 5, 6])
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from textwrap import dedent
from typing import Any

import pyarrow as pa

from ciudadana import __version__
from ciudadana.i18n import _
from ciudadana.quality.checks.names import build_units
from ciudadana.quality.checks.persons import CrossSourcePersons
from ciudadana.quality.context import CHECKED, FINDINGS, Context, staging_sql
from ciudadana.quality.engine import load_info, plan, select_loads
from ciudadana.quality.rules import rules_fingerprint
from ciudadana.warehouse import Warehouse
from ciudadana.warehouse.quality_linked import (
    LINKED_STAGED,
    commit_linked_quality,
    drop_linked_staging,
)
from ciudadana.workspace import Workspace

Progress = Callable[[str], None]

#: One row per record of a linked person, as :func:`compare_linked` takes them.
GROUPS = pa.schema(
    [
        ("load_id", pa.int32()),
        ("row_number", pa.int64()),
        ("role", pa.string()),
        ("person_id", pa.string()),
    ]
)
FINDING_COLUMNS = (
    "load_id, row_number, field, column_name, value, rule, dimension, severity, period, "
    "territory_code, related_load_id, related_row_number, detail, link_run_id"
)
CHECKED_COLUMNS = "load_id, period, dimension, rule, field, unit, checked, link_run_id"
TEMP_TABLES = (
    FINDINGS,
    CHECKED,
    "_q_linked",
    "_q_people",
    "_q_pairs",
    "_q_name_units",
    "_q_unit_stats",
)


@dataclass
class LinkedReport:
    """What comparing the linked records added to the diagnosis."""

    link_run_id: int
    run_id: int | None = None
    records: int = 0
    findings: int = 0
    by_field: dict[str, int] = field(default_factory=dict)
    scored: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_linked(
    ws: Workspace, groups: pa.Table, *, link_run_id: int, progress: Progress | None = None
) -> LinkedReport:
    """Compare the records of each linked person; store what the exact keys did not show.

    Args:
        ws: the workspace.
        groups: one row per record of a person with two or more (``load_id``, ``row_number``,
            ``role``, ``person_id``), from the person linkage run ``link_run_id``.
        link_run_id: the person linkage run the persons come from.
        progress: called with a Spanish description of each step.

    Returns:
        The findings added (``records``: rows that only the linked pairs compared) and the
        loads whose scores now count them (those with a stored diagnosis).
    """
    say = progress or (lambda _m: None)
    started, clock = dt.datetime.now(), time.perf_counter()
    report = LinkedReport(link_run_id)
    with Warehouse.open(ws.warehouse_path) as wh:
        infos = [load_info(row, ws) for row in select_loads(wh, None, None)]
        checks = [c for c in plan(infos) if isinstance(c, CrossSourcePersons)]
        ctx = Context(
            wh.con, infos, root=ws.root, workspace_specs=ws.specs_dir, link_run_id=link_run_id
        )
        try:
            ctx.execute("set enable_progress_bar = false")
            for sql in staging_sql():
                ctx.execute(sql)
            wh.con.register("_q_linked_in", groups.select(GROUPS.names).cast(GROUPS))
            ctx.execute("create or replace temp table _q_linked as select * from _q_linked_in")
            wh.con.unregister("_q_linked_in")
            say("Comparando los registros de cada persona enlazada")
            build_units(ctx, [i.load_id for i in infos])  # which writing holds a typo
            for check in checks:
                check.run(ctx)
            ctx.execute(label_sql())
            for staged, temp in zip(LINKED_STAGED.values(), (FINDINGS, CHECKED), strict=True):
                ctx.execute(f"create or replace temp table {staged} as select * from {temp}")
            report.scored = [
                r[0]
                for r in ctx.execute(
                    "select distinct load_id from quality_checked "
                    "where link_run_id is null and load_id in (select unnest(?)) order by 1",
                    [[i.load_id for i in infos]],
                ).fetchall()
            ]
            say("Recalculando los puntajes")
            for sql in rescore_sql():
                ctx.execute(sql, [report.scored, report.scored])
            scores = resources.files("ciudadana.quality") / "sql" / "scores.sql"
            ctx.execute(scores.read_text("utf-8"))
            _summarise(ctx, report, infos)
            report.run_id = wh.next_quality_run_id()
            report.seconds = round(time.perf_counter() - clock, 3)
            commit_linked_quality(
                wh,
                {
                    "run_id": report.run_id,
                    "started_at": started,
                    "finished_at": dt.datetime.now(),
                    "ciudadana_version": __version__,
                    "load_ids": [i.load_id for i in infos],
                    "rules_sha256": rules_fingerprint([{c.rule.id: c.rule for c in checks}]),
                    "seconds": report.seconds,
                    "notes": "\n".join(report.notes) or None,
                    "link_run_id": link_run_id,
                },
                report.scored,
            )
        finally:
            drop_linked_staging(wh)
            for name in TEMP_TABLES:
                wh.con.execute(f"drop table if exists temp.{name}")
    return report


def _summarise(ctx: Context, report: LinkedReport, infos: list[Any]) -> None:
    staged = LINKED_STAGED["quality_findings"]
    for name, n in ctx.execute(
        f"select field, count(*) from {staged} group by all order by 2 desc, 1"
    ).fetchall():
        report.by_field[name] = int(n)
        report.findings += int(n)
    (rows,) = ctx.execute(
        f"select coalesce(sum(checked), 0) from {LINKED_STAGED['quality_checked']}"
    ).fetchone()
    report.records = int(rows)
    waiting = sorted(
        {i.load_id for i in infos if i.microdata} - set(report.scored),
    )
    if waiting:
        report.notes.append(
            _(
                "Carga(s) {loads} sin diagnóstico de calidad de esta versión (nunca "
                "diagnosticadas, o antes de guardar los denominadores): sus registros enlazados "
                "que no concuerdan se guardaron y contarán en su puntaje cuando se diagnostiquen "
                "(`ciudadana quality`)."
            ).format(loads=", ".join(map(str, waiting)))
        )


def label_sql() -> str:
    """Each finding's month and territory, from its record (as a diagnosis gives them)."""
    return dedent(f"""
        update {FINDINGS} as f
        set period = date_trunc('month', e.reference_date)::date,
            territory_code = coalesce(f.territory_code, e.territory_code)
        from events as e
        where f.period is null and f.row_number is not null
          and e.load_id = f.load_id and e.row_number = f.row_number
    """)


def rescore_sql() -> list[str]:
    """What the scores count: the stored findings and denominators of the diagnosed loads
    (the diagnosis's own) and the linked ones. Parameters: the loads, twice."""
    linked_findings, linked_checked = LINKED_STAGED.values()
    return [
        dedent(f"""
            create or replace temp table {FINDINGS} as
            select {FINDING_COLUMNS}
            from quality_findings
            where link_run_id is null and load_id in (select unnest(?))
            union all by name
            select * from {linked_findings}
            where load_id in (select unnest(?))
        """),
        dedent(f"""
            create or replace temp table {CHECKED} as
            select {CHECKED_COLUMNS}
            from quality_checked
            where link_run_id is null and load_id in (select unnest(?))
            union all by name
            select * from {linked_checked}
            where load_id in (select unnest(?))
        """),
    ]
