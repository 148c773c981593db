"""One diagnosis: pick the loads, run every rule that applies to them in SQL over the warehouse,
score them, and commit findings and scores in one transaction."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from importlib import resources
from textwrap import dedent
from typing import Any

import pyarrow as pa

from ciudadana import __version__
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.ingest.spec import load_spec
from ciudadana.ingest.sql import ident
from ciudadana.quality import checks as _checks  # noqa: F401 (registers the built-in checks)
from ciudadana.quality.context import (
    CHECKED,
    EVENT_COLUMNS,
    FINDINGS,
    LOCATION_COLUMNS,
    ROWS,
    Context,
    LoadInfo,
    present_sql,
    rows_sql,
    staging_sql,
)
from ciudadana.quality.registry import Check, check_class
from ciudadana.quality.report import QualityReport, read_report
from ciudadana.quality.rules import DIMENSIONS, rules_fingerprint, rules_for, standard_rules
from ciudadana.warehouse import Warehouse
from ciudadana.workspace import Workspace

Progress = Callable[[str], None]
TEMP_TABLES = (
    ROWS,
    CHECKED,
    "_q_grid",
    "_q_outliers",
    "_q_silent",
    "_q_cross_counts",
    "_q_cross_judged",
    "_q_people",
    "_q_pairs",
    "_q_targets",
    "_q_name_units",
    "_q_unit_stats",
    "_q_typos",
    "_q_name_parts",
    "_q_columns",
)


def diagnose(
    ws: Workspace,
    load_ids: Sequence[int] | None = None,
    *,
    source_id: str | None = None,
    progress: Progress | None = None,
) -> QualityReport:
    """Diagnose loads (by default every current load) and store findings and scores.

    Findings and scores of a load diagnosed before are replaced; the run is kept in
    ``quality_runs`` and each load's scores stay beside those of the source's other loads, so
    the trend across deliveries can be read (``quality_trend``).

    Example:
        >>> report = diagnose(ws)  # doctest: +SKIP
        >>> report.loads[0].scores["completeness"]
        0.97
    """
    say = progress or (lambda _msg: None)
    started, clock = dt.datetime.now(), time.perf_counter()
    with Warehouse.open(ws.warehouse_path) as wh:
        infos = [load_info(row, ws) for row in select_loads(wh, load_ids, source_id)]
        ctx = Context(wh.con, infos, root=ws.root, workspace_specs=ws.specs_dir)
        ctx.execute("set enable_progress_bar = false")
        run_id = wh.next_quality_run_id()
        timings: dict[str, float] = {}
        try:
            for sql in staging_sql():
                ctx.execute(sql)
            t = time.perf_counter()
            micro = {"load_ids": [i.load_id for i in infos if i.microdata]}
            roles, identity, location = ctx.execute(present_sql(), micro).fetchone()
            ctx.execute(rows_sql(tuple(roles or ()), identity, location), micro)
            _infer_missing_specs(ctx)
            timings["(rows)"] = round(time.perf_counter() - t, 3)
            for check in plan(infos):
                say(check.rule.id)
                t = time.perf_counter()
                check.run(ctx)
                timings[check.rule.id] = round(time.perf_counter() - t, 3)
            _carry_linked(ctx)
            say("puntajes")
            t = time.perf_counter()
            _finish(ctx)
            timings["(scores)"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            seconds = time.perf_counter() - clock
            wh.commit_quality(
                {
                    "run_id": run_id,
                    "started_at": started,
                    "finished_at": dt.datetime.now(),
                    "ciudadana_version": __version__,
                    "load_ids": [i.load_id for i in infos],
                    "rules_sha256": rules_fingerprint([i.rules for i in infos]),
                    "seconds": seconds,
                    "notes": "\n".join(ctx.notes) or None,
                }
            )
            timings["(commit)"] = round(time.perf_counter() - t, 3)
        finally:
            wh.drop_quality_staging()
            for name in TEMP_TABLES:
                wh.con.execute(f"drop table if exists temp.{name}")
        report = read_report(wh.con, [i.load_id for i in infos], run_id=run_id)
    report.seconds = round(time.perf_counter() - clock, 3)
    report.timings = timings
    report.notes = ctx.notes
    return report


def plan(infos: list[LoadInfo]) -> list[Check]:
    """One check per rule and set of parameters (cross-source rules: one per rule, all loads)."""
    groups: dict[str, tuple[Any, list[LoadInfo]]] = {}
    standard = standard_rules()
    for info in infos:
        for rule in info.rules.values():
            cls = check_class(rule)
            key = rule.id if getattr(cls, "cross", False) else rule.key()
            chosen = standard.get(rule.id, rule) if getattr(cls, "cross", False) else rule
            groups.setdefault(key, (chosen, []))[1].append(info)
    made = [check_class(rule)(rule, loads) for rule, loads in groups.values()]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    return sorted(made, key=lambda c: (order.get(c.dimension, 99), c.rule.id))


def select_loads(
    wh: Warehouse, load_ids: Sequence[int] | None, source_id: str | None
) -> list[dict]:
    """The rows of ``loads`` to diagnose: those named, or every current one (of a source)."""
    rows = wh._all("select * from loads order by load_id")
    if load_ids:
        known = {r["load_id"] for r in rows}
        missing = [i for i in load_ids if i not in known]
        if missing:
            raise CiudadanaError(
                f"No existe la carga {', '.join(map(str, missing))}. Vea las cargas con "
                "`ciudadana loads`.",
                code="unknown-load",
            )
        rows = [r for r in rows if r["load_id"] in set(load_ids)]
    else:
        rows = [r for r in rows if r["superseded_by"] is None]
    if source_id:
        rows = [r for r in rows if r["source_id"] == source_id]
    if not rows:
        raise CiudadanaError(
            "No hay cargas que diagnosticar"
            + (f" de la fuente «{source_id}»" if source_id else "")
            + ". Cargue exportaciones con `ciudadana ingest` y vuelva a intentarlo.",
            code="no-loads",
        )
    return rows


def load_info(row: dict[str, Any], ws: Workspace) -> LoadInfo:
    """A row of ``loads`` with its spec (when still found) and its effective rules."""
    info = LoadInfo(
        load_id=row["load_id"],
        source_id=row["source_id"],
        spec_name=row["spec_name"],
        file_name=row["file_name"],
        unit=row["counting_unit"],
        date_semantics=row["date_semantics"],
        raw_path=row["raw_path"],
        rows_in=row["rows_in"],
        rows_loaded=row["rows_loaded"],
        rows_quarantined=row["rows_quarantined"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        started_at=row["started_at"],
        headers=list(row["columns"] or []),
    )
    try:
        info.spec = load_spec(row["spec_name"], workspace_specs=ws.specs_dir).spec
    except CiudadanaError:
        info.spec = None  # the checks that need the spec's fields skip this load
    info.rules = rules_for(row["spec_name"], ws.specs_dir)
    return info


def _infer_missing_specs(ctx: Context) -> None:
    """A load whose spec is no longer found (a file given by path, then moved) is checked on
    the fields that hold data; the note says how to get the full diagnosis."""
    for info in (i for i in ctx.loads if i.spec is None and i.microdata):
        names = [
            r[0]
            for r in ctx.execute(
                "select column_name from information_schema.columns where table_name = ?",
                [ROWS],
            ).fetchall()
            if r[0] in EVENT_COLUMNS or "." in r[0] or r[0] in LOCATION_COLUMNS
        ]
        counts = ctx.execute(
            f"select {', '.join(f'count({ident(n)})' for n in names)} from {ROWS} "
            "where load_id = ?",
            [info.load_id],
        ).fetchone()
        info.infer_fields([n for n, c in zip(names, counts, strict=True) if c])
        ctx.notes.append(
            _(
                "Carga {load}: no encuentro la especificación «{spec}»; se revisaron los campos "
                "con datos. Copie la especificación a specs/ del espacio de trabajo para el "
                "diagnóstico completo."
            ).format(load=info.load_id, spec=info.spec_name)
        )


def _carry_linked(ctx: Context) -> None:
    """Keep what the last person linkage run added (``ciudadana.quality.linked``): its findings
    on the diagnosed loads whose related record is still current, unless this diagnosis found
    the same cell, and the rows it compared; the next linkage run replaces them."""
    ids = [
        i.load_id
        for i in ctx.loads
        if any(r.type == "cross-source-persons" for r in i.rules.values())
    ]
    if not ids:
        return
    ctx.execute(
        dedent(f"""
            insert into {FINDINGS} by name
            select q.load_id, q.row_number, q.field, q.column_name, q.value, q.rule,
                   q.dimension, q.severity, q.period, q.territory_code, q.related_load_id,
                   q.related_row_number, q.detail, q.link_run_id
            from quality_findings as q
            where q.link_run_id is not null
              and q.load_id in (select unnest(?))
              and q.related_load_id in (select load_id from loads where superseded_by is null)
              and not exists (
                  select 1 from {FINDINGS} as f
                  where f.load_id = q.load_id and f.row_number = q.row_number
                    and f.field = q.field and f.rule = q.rule
              )
        """),
        [ids],
    )
    ctx.execute(
        dedent(f"""
            insert into {CHECKED} by name
            select load_id, period, dimension, rule, field, unit, checked, link_run_id
            from quality_checked
            where link_run_id is not null
              and load_id in (select unnest(?))
        """),
        [ids],
    )


def _finish(ctx: Context) -> None:
    """Give every row finding its month, territory and column label; then score."""
    ctx.execute(
        dedent(f"""
            update {FINDINGS} as f
            set period = r.period, territory_code = coalesce(f.territory_code, r.territory_code)
            from {ROWS} as r
            where f.period is null and f.row_number is not null
              and r.load_id = f.load_id and r.row_number = f.row_number
        """)
    )
    labels = [
        {"load_id": i.load_id, "field": name, "column_name": column}
        for i in ctx.loads
        for name, column in i.mapped_fields().items()
    ]
    if labels:
        table = pa.Table.from_pylist(labels)  # noqa: F841 (scanned by DuckDB)
        ctx.con.register("_q_labels", table)
        ctx.execute(
            dedent(f"""
                update {FINDINGS} as f
                set column_name = l.column_name
                from _q_labels as l
                where f.column_name is null and f.load_id = l.load_id and f.field = l.field
            """)
        )
        ctx.con.unregister("_q_labels")
    scores = (resources.files("ciudadana.quality") / "sql" / "scores.sql").read_text("utf-8")
    ctx.execute(scores)
    loads = [
        {
            "load_id": i.load_id,
            "source_id": i.source_id,
            "rows_checked": i.rows_in,
            "sheets": i.sheets or None,
            "raw_read": i.raw_read,
            "rules": sorted(i.rules),
        }
        for i in ctx.loads
    ]
    table = pa.Table.from_pylist(  # noqa: F841 (scanned by DuckDB)
        loads,
        schema=pa.schema(
            [
                ("load_id", pa.int32()),
                ("source_id", pa.string()),
                ("rows_checked", pa.int64()),
                ("sheets", pa.list_(pa.string())),
                ("raw_read", pa.bool_()),
                ("rules", pa.list_(pa.string())),
            ]
        ),
    )
    ctx.con.register("_q_load_rows", table)
    ctx.execute("create or replace temp table _stage_quality_loads as select * from _q_load_rows")
    ctx.con.unregister("_q_load_rows")
