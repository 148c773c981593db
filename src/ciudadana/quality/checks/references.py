"""Consistency across sources: a record that cites another institution's record (a court case
citing the prosecutor's complaint: OJ ``REFERENCIA_MP`` = MP ``NO. CASO``) must find it.

The cited source is the one whose record identifiers answer at least ``min_share`` of the
references (or the ``targets`` named); a reference it holds neither among its loaded records
nor among its refused rows (quarantine) is flagged.

Example rule::

    - {id: reference-not-found, type: case-references, params: {min_share: 0.2}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql
from ciudadana.quality.context import ROWS, Context
from ciudadana.quality.registry import Check, register


class ReferenceParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[str] = []
    min_share: float = 0.2


@register
class CaseReferences(Check):
    """References to another source's records that it does not hold."""

    type: ClassVar[str] = "case-references"
    dimension: ClassVar[str] = "cross-source"
    Params = ReferenceParams

    def run(self, ctx: Context) -> None:
        loads = [i for i in self.loads if "related_record_id" in i.mapped_fields()]
        if not loads:
            return
        ids = [i.load_id for i in loads]
        ctx.execute(targets_sql(), [ids, self.params.targets, self.params.min_share])
        column = {i.load_id: i.mapped_fields()["related_record_id"] for i in loads}
        label = (
            "case r.load_id "
            + " ".join(
                f"when {k} then '{v.replace(chr(39), chr(39) * 2)}'" for k, v in column.items()
            )
            + " end"
        )
        dangling = format_sql(
            _("no existe en {target} ({matched} de {cited} referencias de esta carga sí existen)"),
            target="t.target",
            matched="t.matched",
            cited="t.cited",
        )
        ctx.add_findings(
            dedent(f"""
                select r.load_id, r.row_number, r.period, r.territory_code,
                       'related_record_id' as field, {label} as column_name,
                       r.related_record_id as value, {self.constants()},
                       {dangling} as detail
                from {ROWS} as r
                join _q_targets as t using (load_id)
                where r.related_record_id is not null
                  and not exists (
                      select 1 from events as e
                      join loads as l using (load_id)
                      where l.superseded_by is null and e.source_id = t.target
                        and e.record_id = r.related_record_id
                  )
                  and not exists (
                      select 1 from restricted.quarantine as q
                      join loads as l using (load_id)
                      where l.superseded_by is null and l.source_id = t.target
                        and contains(q.raw::varchar, '"' || r.related_record_id || '"')
                  )
            """)
        )
        ctx.add_checked(
            dedent(f"""
                select r.load_id, r.period, 'cross-source' as dimension,
                       '{self.rule.id}' as rule, 'related_record_id' as field,
                       count(*) as checked
                from {ROWS} as r
                join _q_targets as t using (load_id)
                where r.related_record_id is not null
                group by all
            """)
        )


def targets_sql() -> str:
    """``_q_targets``: for each citing load, the source it cites and how many references hit."""
    return dedent(f"""
        create or replace temp table _q_targets as
        with cites as (
            select load_id, related_record_id as ref
            from {ROWS}
            where load_id in (select unnest($1::integer[])) and related_record_id is not null
        ),
        hits as (
            select c.load_id, e.source_id as target, count(distinct c.ref) as matched
            from cites as c
            join events as e on e.record_id = c.ref
            join loads as l on l.load_id = e.load_id and l.superseded_by is null
            where e.load_id <> c.load_id
            group by all
        ),
        totals as (
            select load_id, count(distinct ref) as cited
            from cites
            group by load_id
        )
        select h.load_id, h.target, h.matched, t.cited
        from hits as h
        join totals as t using (load_id)
        where h.target in (select unnest($2::varchar[]))
           or (len($2::varchar[]) = 0 and h.matched >= $3 * t.cited)
        qualify row_number() over (partition by h.load_id order by h.matched desc) = 1
    """)
