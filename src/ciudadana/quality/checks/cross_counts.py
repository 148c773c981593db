"""Consistency across sources: two institutions' counts of the same offences per department and
month (police vs forensic homicides, police vs prosecutor...).

A cell is flagged when the gap is large both relatively (more than ``max_gap`` of the larger
count) and against chance (more than ``z`` times the square root of the two counts). When the two
sources count by different dates (a prosecutor by registration, the police by occurrence) and
the gap closes once both are counted by the date of occurrence, the finding says so and is only
informative: the gap is explained by date semantics.

Example rule::

    - id: cross-source-counts
      type: cross-source-counts
      params: {iccs: ["0101"], units: [victim], max_gap: 0.25}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql, lit
from ciudadana.quality.context import Context
from ciudadana.quality.registry import Check, register


class CrossCountParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    iccs: list[str] = ["0101"]
    units: list[str] = ["victim"]
    max_gap: float = 0.25
    z: float = 2.0
    min_count: int = 5


def cross_counts(ctx: Context, load_ids: list[int], iccs: list[str], units: list[str]) -> None:
    """``_q_cross_counts``: pairs of sources x department x month, by both kinds of date."""
    ctx.script("cross_counts.sql", {"load_ids": load_ids, "iccs": iccs, "units": units})


@register
class CrossSourceCounts(Check):
    """Department-months where two sources' counts of the same offences disagree."""

    type: ClassVar[str] = "cross-source-counts"
    dimension: ClassVar[str] = "cross-source"
    Params = CrossCountParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        p = self.params
        cross_counts(ctx, self.ids, p.iccs, p.units)
        ctx.execute(judged_sql(p), [self.ids])
        counted = format_sql(
            _("esta fuente registra {mine}, {other} registra {theirs}"),
            mine="mine",
            other="other",
            theirs="theirs",
        )
        explained = format_sql(
            _(
                "; por fecha del hecho: {mine} vs {theirs} (la diferencia se explica por la "
                "fecha con que cuenta cada fuente)"
            ),
            mine="mine_occ",
            theirs="theirs_occ",
        )
        ctx.add_findings(
            dedent(f"""
                select load_id, null::bigint as row_number, month as period,
                       territory as territory_code, 'offence' as field,
                       mine || ' vs ' || theirs as value, {lit(self.rule.id)} as rule,
                       {lit(self.dimension)} as dimension,
                       case when explained then 'info' else {lit(self.rule.severity)} end
                           as severity,
                       other_load as related_load_id,
                       {counted} || case when explained then {explained} else '' end
                           as detail
                from _q_cross_judged
                where flagged
            """)
        )
        ctx.add_checked(
            dedent(f"""
                select load_id, month as period, {lit(self.dimension)} as dimension,
                       {lit(self.rule.id)} as rule, 'offence' as field,
                       'territory-month' as unit, count(*) as checked
                from _q_cross_judged
                group by all
            """)
        )


def judged_sql(p: CrossCountParams) -> str:
    def flagged(a: str, b: str) -> str:
        return (
            f"(abs({a} - {b}) > {p.max_gap} * greatest({a}, {b}) "
            f"and abs({a} - {b}) > {p.z} * sqrt({a} + {b}))"
        )

    return dedent(f"""
        create or replace temp table _q_cross_judged as
        with sides as (
            select source_a as me, source_b as other, territory, month, both_occurrence,
                   ref_a as mine, ref_b as theirs, occ_a as mine_occ, occ_b as theirs_occ
            from _q_cross_counts
            union all
            select source_b, source_a, territory, month, both_occurrence,
                   ref_b, ref_a, occ_b, occ_a
            from _q_cross_counts
        ),
        owned as (
            select s.*,
                   (select max(l.load_id) from loads as l
                    where l.source_id = s.me and l.load_id in (select unnest(?))
                      and s.month between date_trunc('month', l.period_start)
                      and l.period_end) as load_id,
                   (select max(l.load_id) from loads as l
                    where l.source_id = s.other and l.superseded_by is null
                      and s.month between date_trunc('month', l.period_start)
                      and l.period_end) as other_load
            from sides as s
            where greatest(s.mine, s.theirs) >= {p.min_count}
        )
        select *,
               {flagged("mine", "theirs")} as flagged,
               both_occurrence and not {flagged("mine_occ", "theirs_occ")} as explained
        from owned
        where load_id is not null
    """)
