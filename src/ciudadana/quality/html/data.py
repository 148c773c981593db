"""What the report's figures show, read from the warehouse: scores, counts and lags. Only
aggregates and codes leave these queries: no names, numbers, addresses or points."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent
from typing import Any

import duckdb

LAG_DAYS = [
    (0, 0, "0"),
    (1, 7, "1–7"),
    (8, 30, "8–30"),
    (31, 60, "31–60"),
    (61, 90, "61–90"),
    (91, 180, "91–180"),
    (181, 365, "181–365"),
    (366, None, "> 365"),
]
LAG_MONTHS = [
    (0, 1, "0–1"),
    (2, 3, "2–3"),
    (4, 6, "4–6"),
    (7, 12, "7–12"),
    (13, 24, "13–24"),
    (25, None, "> 24"),
]


@dataclass
class Heat:
    rows: list[str]
    columns: list[str]
    values: dict[tuple[str, str], float | None]


def completeness_heat(
    con: duckdb.DuckDBPyConnection, load_id: int, labels: dict[str, str]
) -> Heat | None:
    """Field x month completeness scores of one load (the ``missing-value`` rule); fields are
    named by their column in the file (``labels``) where the spec still says it."""
    rows = con.execute(
        dedent("""
            select field, strftime(period, '%Y-%m'), score
            from quality_scores
            where load_id = ? and rule = 'missing-value' and field is not null
              and period is not null
        """),
        [load_id],
    ).fetchall()
    if not rows:
        return None
    named = [(labels.get(f, f), m, v) for f, m, v in rows]
    fields = sorted({r[0] for r in named})
    months = sorted({r[1] for r in named})
    return Heat(fields, months, {(r[0], r[1]): r[2] for r in named})


def coverage_shares(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, float]:
    """Per municipality, the share of the load's months in which it has records."""
    rows = con.execute(
        dedent("""
            with months as (
                select count(distinct date_trunc('month', reference_date)) as n
                from events where load_id = ?
            )
            select territory_code,
                   count(distinct date_trunc('month', reference_date)) / any_value(m.n)
            from events, months as m
            where load_id = ? and territory_code is distinct from department_code
              and reference_date is not null
            group by territory_code
        """),
        [load_id, load_id],
    ).fetchall()
    return {code: float(share) for code, share in rows if code}


def silent(con: duckdb.DuckDBPyConnection, load_id: int) -> set[str]:
    rows = con.execute(
        "select distinct territory_code from quality_findings "
        "where load_id = ? and rule = 'silent-territory'",
        [load_id],
    ).fetchall()
    return {r[0] for r in rows if r[0]}


def _bins(expr: str, bins: list[tuple[int, int | None, str]]) -> str:
    whens = " ".join(
        f"when {expr} between {lo} and {hi} then {i}"
        if hi is not None
        else f"when {expr} >= {lo} then {i}"
        for i, (lo, hi, _) in enumerate(bins)
    )
    return f"case {whens} end"


def lags(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, list[tuple[str, int]]]:
    """Histograms: days from occurrence to registration; months from registration to the
    load (delivery)."""
    occ = "date_registration - date_occurrence"
    dlv = "date_diff('month', coalesce(date_registration, reference_date), l.started_at::date)"
    row = con.execute(
        dedent(f"""
            select list({_bins(occ, LAG_DAYS)}) filter (where {occ} >= 0),
                   list({_bins(dlv, LAG_MONTHS)}) filter (where {dlv} >= 0)
            from events as e
            join loads as l using (load_id)
            where e.load_id = ?
        """),
        [load_id],
    ).fetchone()
    out = {}
    for key, values, bins in (("registration", row[0], LAG_DAYS), ("delivery", row[1], LAG_MONTHS)):
        if values:
            counts = [0] * len(bins)
            for v in values:
                counts[v] += 1
            out[key] = [(label, counts[i]) for i, (_, _, label) in enumerate(bins)]
    return out


def cross_totals(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per pair of sources: homicides per department over their common months (from the
    counts the last diagnosis compared), and the department-months it flagged."""
    pairs = con.execute(
        dedent("""
            select l.source_id, r.source_id, f.territory_code, count(*) as flagged
            from quality_findings as f
            join loads as l using (load_id)
            join loads as r on r.load_id = f.related_load_id
            where f.rule = 'cross-source-homicides' and f.severity <> 'info'
              and l.superseded_by is null
            group by all
        """)
    ).fetchall()
    flagged: dict[tuple[str, str], dict[str, int]] = {}
    for a, b, territory, n in pairs:
        key = tuple(sorted((a, b)))
        flagged.setdefault(key, {})[territory] = max(n, flagged.get(key, {}).get(territory, 0))
    return [{"pair": k, "flagged": v} for k, v in flagged.items()]


def department_counts(
    con: duckdb.DuckDBPyConnection, a: str, b: str, iccs: str = "0101"
) -> tuple[list[str], list[float], list[float]]:
    """Records of two sources per department over the months both cover."""
    rows = con.execute(
        dedent("""
            with common as (
                select greatest(min(a.m), min(b.m)) as lo, least(max(a.m), max(b.m)) as hi
                from (select date_trunc('month', reference_date) as m from current_events
                      where source_id = $a) as a,
                     (select date_trunc('month', reference_date) as m from current_events
                      where source_id = $b) as b
            )
            select e.department_code,
                   count(*) filter (where e.source_id = $a),
                   count(*) filter (where e.source_id = $b)
            from current_events as e, common as c
            where e.source_id in ($a, $b) and starts_with(e.iccs_code, $iccs)
              and e.counting_unit = 'victim'
              and date_trunc('month', e.reference_date) between c.lo and c.hi
              and e.department_code is not null
            group by 1
            order by 1
        """),
        {"a": a, "b": b, "iccs": iccs},
    ).fetchall()
    return [r[0] for r in rows], [float(r[1]) for r in rows], [float(r[2]) for r in rows]


def outliers(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[dict[str, Any]]:
    """The most unusual territory-months (largest ``z`` first)."""
    cur = con.execute(
        dedent("""
            select l.source_id, strftime(f.period, '%Y-%m') as month, f.territory_code,
                   coalesce(t.name, f.territory_code) as name, f.value, f.detail
            from quality_findings as f
            join loads as l using (load_id)
            left join territories as t on t.code = f.territory_code and t.country = l.country
            where f.rule = 'count-outlier' and f.load_id in (select unnest(?))
            order by try_cast(regexp_extract(f.detail, 'z = (-?[0-9.]+)', 1) as double) desc
            limit 15
        """),
        [load_ids],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def findings_by_rule(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[tuple]:
    return con.execute(
        dedent("""
            select rule, any_value(dimension), any_value(severity), count(*),
                   count(distinct load_id)
            from quality_findings
            where load_id in (select unnest(?))
            group by rule
            order by 4 desc
        """),
        [load_ids],
    ).fetchall()


def trend(con: duckdb.DuckDBPyConnection, source_id: str) -> list[tuple]:
    """Every diagnosed load of a source, oldest period first, with its dimension scores."""
    return con.execute(
        dedent("""
            select load_id, file_name, period_start, dimension, score
            from quality_trend
            where source_id = ?
            order by period_start, load_id
        """),
        [source_id],
    ).fetchall()
