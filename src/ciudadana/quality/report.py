"""What a diagnosis says, read back from the warehouse: a scorecard per load (dimension scores,
the previous delivery's beside them), findings per rule, and where the time went."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from textwrap import dedent
from typing import Any

import duckdb

from ciudadana.quality.rules import DIMENSIONS


@dataclass
class LoadScore:
    """One load's scorecard. ``previous`` holds the scores of the source's load before it."""

    load_id: int
    source_id: str
    file_name: str
    period_start: dt.date | None
    period_end: dt.date | None
    rows_in: int
    scores: dict[str, float | None] = field(default_factory=dict)
    previous: dict[str, float | None] = field(default_factory=dict)
    previous_load_id: int | None = None
    findings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def overall(self) -> float | None:
        values = [v for v in self.scores.values() if v is not None]
        return sum(values) / len(values) if values else None

    def change(self, dimension: str) -> float | None:
        now, before = self.scores.get(dimension), self.previous.get(dimension)
        return None if now is None or before is None else now - before


@dataclass
class QualityReport:
    """The outcome of :func:`ciudadana.quality.diagnose`.

    Example:
        >>> report.to_dict()["loads"][0]["scores"]["validity"]  # doctest: +SKIP
        0.994
    """

    run_id: int | None
    loads: list[LoadScore] = field(default_factory=list)
    findings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def load(self, load_id: int) -> LoadScore:
        return next(s for s in self.loads if s.load_id == load_id)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item, score in zip(data["loads"], self.loads, strict=True):
            item["overall"] = score.overall
            item["change"] = {d: score.change(d) for d in score.scores}
        return data


def read_report(
    con: duckdb.DuckDBPyConnection, load_ids: list[int], run_id: int | None = None
) -> QualityReport:
    """The stored scorecards of ``load_ids`` (as their last diagnosis left them)."""
    rows = con.execute(scorecard_sql(), [load_ids]).fetchall()
    loads: dict[int, LoadScore] = {}
    for load_id, source, file, start, end, rows_in, dimension, score, prev_load, prev in rows:
        item = loads.setdefault(load_id, LoadScore(load_id, source, file, start, end, int(rows_in)))
        item.previous_load_id = prev_load
        if dimension is not None:
            item.scores[dimension] = None if score is None else round(float(score), 4)
            item.previous[dimension] = None if prev is None else round(float(prev), 4)
    for item in loads.values():
        item.scores = {d: item.scores[d] for d in DIMENSIONS if d in item.scores}
    report = QualityReport(run_id, list(loads.values()))
    for load_id, rule, n in con.execute(
        "select load_id, rule, count(*) from quality_findings "
        "where load_id in (select unnest(?)) group by all order by 1, 3 desc",
        [load_ids],
    ).fetchall():
        loads[load_id].by_rule[rule] = int(n)
        loads[load_id].findings += int(n)
        report.by_rule[rule] = report.by_rule.get(rule, 0) + int(n)
        report.findings += int(n)
    report.by_rule = dict(sorted(report.by_rule.items(), key=lambda kv: -kv[1]))
    return report


def scorecard_sql() -> str:
    return dedent("""
        with scores as (
            select load_id, dimension, score
            from quality_scores
            where period is null and rule is null and field is null
        ),
        previous as (
            select l.load_id,
                   (select p.load_id from loads as p
                    join quality_loads as q on q.load_id = p.load_id
                    where p.source_id = l.source_id
                      and coalesce(p.period_start, date '0001-01-01')
                          <= coalesce(l.period_start, date '0001-01-01')
                      and p.load_id < l.load_id
                    order by p.period_start desc, p.load_id desc
                    limit 1) as previous_load
            from loads as l
            where l.load_id in (select unnest($1))
        )
        select l.load_id, l.source_id, l.file_name, l.period_start, l.period_end, l.rows_in,
               s.dimension, s.score, p.previous_load, ps.score
        from loads as l
        join previous as p using (load_id)
        left join scores as s using (load_id)
        left join scores as ps on ps.load_id = p.previous_load and ps.dimension = s.dimension
        where l.load_id in (select unnest($1))
        order by l.load_id, s.dimension
    """)
