"""Timeliness: how late a fact is registered, and how late a registered month is delivered.

``lag``: a row whose ``to`` date (registration) comes more than ``max_days`` after its
``from`` date (occurrence). ``delivery-lag``: a month of a load delivered (loaded) more than
``max_days`` after the month closed; one finding per load and month, not per row.

Example rules::

    - {id: registration-lag, type: lag, params: {max_days: 60}}
    - {id: delivery-lag, type: delivery-lag, params: {max_days: 45}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql, ident, lit
from ciudadana.quality.context import ROWS, Context
from ciudadana.quality.registry import Check, register


class LagParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = "date_occurrence"
    end: str = "date_registration"
    max_days: int = 60


@register
class Lag(Check):
    """Rows registered more than ``max_days`` after the fact."""

    type: ClassVar[str] = "lag"
    dimension: ClassVar[str] = "timeliness"
    Params = LagParams

    def run(self, ctx: Context) -> None:
        p = self.params
        loads = [i for i in self.loads if {p.start, p.end} <= set(i.mapped_fields())]
        if not loads:
            return
        start, end = ident(p.start), ident(p.end)
        both = f"{start} is not null and {end} is not null"
        column = {i.load_id: i.mapped_fields()[p.end] for i in loads}
        label = (
            "case load_id "
            + " ".join(f"when {k} then {lit(v)}" for k, v in column.items())
            + " end"
        )
        late = format_sql(
            _("registrado {days} días después del hecho (más de {limit})"),
            days=f"{end} - {start}",
            limit=str(p.max_days),
        )
        ctx.add_findings(
            dedent(f"""
                select load_id, row_number, period, territory_code, {lit(p.end)} as field,
                       {label} as column_name, ({end} - {start})::varchar as value,
                       {self.constants()},
                       {late} as detail
                from {ROWS}
                where load_id in (select unnest(?))
                  and {both}
                  and {end} - {start} > {p.max_days}
            """),
            [[i.load_id for i in loads]],
        )
        ctx.rows_checked(self.rule.id, self.dimension, loads, p.end, both)


class DeliveryParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_days: int = 45


@register
class DeliveryLag(Check):
    """Months delivered more than ``max_days`` after they closed (load date - month end)."""

    type: ClassVar[str] = "delivery-lag"
    dimension: ClassVar[str] = "timeliness"
    Params = DeliveryParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        days = "(l.started_at::date - last_day(r.period))"
        late = format_sql(
            _("el mes se entregó {days} días después de su cierre (más de {limit})"),
            days=days,
            limit=str(self.params.max_days),
        )
        ctx.add_findings(
            dedent(f"""
                select r.load_id, null::bigint as row_number, r.period,
                       null as field, null as column_name, {days}::varchar as value,
                       {self.constants()},
                       {late} as detail
                from (select distinct load_id, period from {ROWS}) as r
                join loads as l using (load_id)
                where r.load_id in (select unnest(?))
                  and r.period is not null
                  and {days} > {self.params.max_days}
            """),
            [self.ids],
        )
        ctx.add_checked(
            dedent(f"""
                select load_id, period, {lit(self.dimension)} as dimension,
                       {lit(self.rule.id)} as rule, null as field, 'month' as unit, 1 as checked
                from (select distinct load_id, period from {ROWS})
                where load_id in (select unnest(?)) and period is not null
            """),
            [self.ids],
        )
