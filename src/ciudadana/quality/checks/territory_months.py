"""Counts per territory and month, judged against the territory's own history.

``count-outliers``: a territory-month far outside what its own months around it make likely.
Counts are put on Anscombe's scale (2·sqrt(n + 3/8), where a Poisson count has unit
variance); the month is compared with the median of the ±``window`` months around it, in units
of their spread (1.4826 x MAD, never under 1: the Poisson floor). Median and MAD are robust: a
two-month outbreak does not hide itself by raising its neighbours' level. ``|z| > z`` flags.
``silent-units``: a territory that used to report (records in ``min_active`` of the 12 months
before) and then has none for ``min_silent`` months or more in a row, a silence its own rate
makes unlikely: exp(-rate x months) below ``max_chance`` (a place with one record a month is
silent three months by chance one time in twenty; with three a month, one in eight thousand).

Example rules::

    - {id: count-outlier, type: count-outliers, params: {z: 4.0, min_count: 5}}
    - {id: silent-territory, type: silent-units, params: {min_active: 6, max_chance: 0.01}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql, lit
from ciudadana.quality.context import Context
from ciudadana.quality.registry import Check, register

LEVELS = {
    "municipality": "case when e.territory_code is distinct from e.department_code "
    "then e.territory_code end",
    "department": "e.department_code",
}


def build_grid(ctx: Context, load_ids: list[int], level: str, iccs_digits: int = 0) -> None:
    """``_q_grid``: source, territory, offence group (the first ``iccs_digits`` of the ICCS
    code; all offences with 0), month, n (zeros included) and the load owning it."""
    offence = f"left(e.iccs_code, {iccs_digits})" if iccs_digits else "''"
    ctx.script(
        "grid.sql", {"load_ids": load_ids}, {"$territory": LEVELS[level], "$offence": offence}
    )


class OutlierParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["municipality", "department"] = "municipality"
    window: int = 12
    z: float = 4.0
    min_count: int = 5
    iccs_digits: int = 4


@register
class CountOutliers(Check):
    """Territory-months whose count is far from the territory's own recent history."""

    type: ClassVar[str] = "count-outliers"
    dimension: ClassVar[str] = "outliers"
    Params = OutlierParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        p = self.params
        build_grid(ctx, self.ids, p.level, p.iccs_digits)
        frame = (
            f"partition by source_id, territory, offence order by month range between interval "
            f"{p.window} months preceding and interval {p.window} months following"
        )
        ctx.execute(
            dedent(f"""
                create or replace temp table _q_outliers as
                with scaled as (
                    select *, 2 * sqrt(n + 0.375) as a
                    from _q_grid
                ),
                windowed as (
                    select *, median(a) over w as centre,
                           greatest(1.4826 * mad(a) over w, 1.0) as spread,
                           count(*) over w as k
                    from scaled
                    window w as ({frame})
                )
                select *, (a - centre) / spread as z,
                       greatest(centre * centre / 4 - 0.375, 0) as expected
                from windowed
                where load_id is not null and k >= 7
            """)
        )
        expected = {"n": "n", "expected": "round(expected, 1)", "z": "round(z, 1)"}
        of_offence = format_sql(
            _(
                "{n} registros de ICCS {offence}*; lo esperado según sus meses vecinos era unos "
                "{expected} (z = {z})"
            ),
            offence="offence",
            **expected,
        )
        of_all = format_sql(
            _("{n} registros; lo esperado según sus meses vecinos era unos {expected} (z = {z})"),
            **expected,
        )
        ctx.add_findings(
            dedent(f"""
                select load_id, null::bigint as row_number, month as period,
                       territory as territory_code, 'territory' as field,
                       n::varchar as value, {self.constants()},
                       case when offence <> '' then {of_offence} else {of_all} end as detail
                from _q_outliers
                where abs(z) > {p.z} and greatest(n, expected) >= {p.min_count}
            """)
        )
        ctx.add_checked(
            dedent(f"""
                select load_id, month as period, {lit(self.dimension)} as dimension,
                       {lit(self.rule.id)} as rule, 'territory' as field,
                       'territory-month' as unit, count(*) as checked
                from _q_outliers
                group by all
            """)
        )


class SilentParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["municipality", "department"] = "municipality"
    min_active: int = 6
    min_silent: int = 3
    max_chance: float = 0.01


@register
class SilentUnits(Check):
    """Territories silent for months after reporting regularly."""

    type: ClassVar[str] = "silent-units"
    dimension: ClassVar[str] = "coverage"
    Params = SilentParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        p = self.params
        build_grid(ctx, self.ids, p.level)
        ctx.execute(silent_sql(p.min_active, p.min_silent, p.max_chance))
        silent = format_sql(
            _(
                "sin registros {months} meses seguidos desde {start}; antes informaba {active} de "
                "12 meses, unos {rate} registros por mes"
            ),
            months="run_length",
            start="strftime(run_start, '%m/%Y')",
            active="active_before",
            rate="round(rate_before, 1)",
        )
        ctx.add_findings(
            dedent(f"""
                select load_id, null::bigint as row_number, month as period,
                       territory as territory_code, 'territory' as field, '0' as value,
                       {self.constants()},
                       {silent} as detail
                from _q_silent
                where silent
            """)
        )
        ctx.add_checked(
            dedent(f"""
                select load_id, month as period, {lit(self.dimension)} as dimension,
                       {lit(self.rule.id)} as rule, 'territory' as field,
                       'territory-month' as unit, count(*) as checked
                from _q_silent
                where expected
                group by all
            """)
        )


def silent_sql(min_active: int, min_silent: int, max_chance: float) -> str:
    return dedent(f"""
        create or replace temp table _q_silent as
        with active as (
            select *,
                   count(*) filter (where n > 0) over before as active_12,
                   coalesce(sum(n) over before, 0) / 12 as rate_12,
                   count(*) filter (where n > 0) over (
                       partition by source_id, territory order by month
                       rows between unbounded preceding and current row
                   ) as run_id
            from _q_grid
            window before as (
                partition by source_id, territory order by month
                rows between 12 preceding and 1 preceding
            )
        ),
        runs as (
            select *,
                   count(*) filter (where n = 0) over run as run_length,
                   min(month) filter (where n = 0) over run as run_start,
                   first_value(active_12) over start as active_before,
                   first_value(rate_12) over start as rate_before
            from active
            window run as (partition by source_id, territory, run_id),
                   start as (partition by source_id, territory, run_id order by month)
        )
        select *,
               active_before >= {min_active} as expected,
               n = 0 and active_before >= {min_active} and run_length >= {min_silent}
                   and exp(-rate_before * run_length) < {max_chance} as silent
        from runs
        where load_id is not null
    """)
