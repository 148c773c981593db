"""Internal consistency: facts of one record that cannot all be true.

``condition``: a finding where every condition of ``when`` holds (a femicide whose victim is a
man, an occurrence after its registration, a married child...). Conditions compare a field with
a constant (``value``, ``values``) or with another field (``other``); a rule runs only on loads
whose spec fills every field it names. ``incident-consistency``: rows of one incident (same
``incident_id``) that disagree on its date or place.

Example rule::

    - id: femicide-victim-not-woman
      type: condition
      params:
        field: victim.sex
        when:
          - {field: offence, op: starts-with, value: "0101.01"}
          - {field: victim.sex, op: "=", value: male}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _, current_language
from ciudadana.ingest.sql import format_sql, ident, lit
from ciudadana.quality.conditions import Condition
from ciudadana.quality.context import ROWS, Context, LoadInfo, is_personal
from ciudadana.quality.registry import Check, register


class ConditionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    when: list[Condition]
    dimension: str = "consistency"
    detail: str = ""


@register
class ConditionCheck(Check):
    """Rows where every condition of ``when`` holds."""

    type: ClassVar[str] = "condition"
    dimension: ClassVar[str] = "consistency"
    Params = ConditionParams

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.dimension = self.params.dimension  # type: ignore[misc]

    def applicable(self, info: LoadInfo) -> bool:
        needed = set().union(*(c.fields() for c in self.params.when)) | {self.params.field}
        return needed <= set(info.mapped_fields()) | {"offence"}

    def run(self, ctx: Context) -> None:
        p = self.params
        for info in (i for i in self.loads if self.applicable(i)):
            where = " and ".join(f"({c.sql()})" for c in p.when)
            value = "null" if is_personal(p.field) else f"{ident(p.field)}::varchar"
            detail = lit(p.detail or self.rule.title(current_language()))
            ctx.add_findings(
                dedent(f"""
                    select load_id, row_number, period, territory_code, {lit(p.field)} as field,
                           {lit(info.mapped_fields().get(p.field))} as column_name,
                           {value} as value, {self.constants()}, {detail} as detail
                    from {ROWS}
                    where load_id = ? and {where}
                """),
                [info.load_id],
            )
            ctx.rows_checked(self.rule.id, self.dimension, [info], p.field)


class AgeBirthParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tolerance_years: int = 1


@register
class AgeBirthDate(Check):
    """The age recorded and the age the birth date gives on the date of the fact disagree."""

    type: ClassVar[str] = "age-birth-date"
    dimension: ClassVar[str] = "consistency"
    Params = AgeBirthParams

    def run(self, ctx: Context) -> None:
        for info in self.loads:
            for role in ("victim", "aggressor"):
                if not {f"{role}.age", f"{role}.birth_date"} <= set(info.mapped_fields()):
                    continue
                age, birth = ident(f"{role}.age"), ident(f"{role}.birth_date")
                on = "coalesce(date_occurrence, reference_date)"
                computed = (
                    f"date_diff('year', {birth}, {on}) - (strftime({on}, '%m%d') < "
                    f"strftime({birth}, '%m%d'))::integer"
                )
                said = format_sql(_("la fecha de nacimiento da {age} años"), age=computed)
                ctx.add_findings(
                    dedent(f"""
                        select load_id, row_number, period, territory_code,
                               '{role}.age' as field,
                               {lit(info.mapped_fields()[f"{role}.age"])} as column_name,
                               {age}::varchar as value, {self.constants()},
                               {said} as detail
                        from {ROWS}
                        where load_id = ? and {age} is not null and {birth} is not null
                          and abs({age} - ({computed})) > {self.params.tolerance_years}
                    """),
                    [info.load_id],
                )
                ctx.rows_checked(
                    self.rule.id,
                    self.dimension,
                    [info],
                    f"{role}.age",
                    f"{age} is not null and {birth} is not null",
                )


class IncidentParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = "incident_id"
    fields: list[str] = ["date_occurrence", "territory"]


@register
class IncidentConsistency(Check):
    """Rows of one incident (same key) that disagree on a field: the rows that differ from the
    incident's most common value are flagged (all of them on a tie)."""

    type: ClassVar[str] = "incident-consistency"
    dimension: ClassVar[str] = "consistency"
    Params = IncidentParams

    def run(self, ctx: Context) -> None:
        p = self.params
        for info in self.loads:
            mapped = info.mapped_fields()
            if p.key not in mapped:
                continue
            for name in (f for f in p.fields if f in mapped):
                ctx.add_findings(incident_sql(p.key, name, mapped[name], self), [info.load_id])
                ctx.rows_checked(
                    self.rule.id, self.dimension, [info], name, f"{ident(p.key)} is not null"
                )


def incident_sql(key: str, name: str, column: str, check: Check) -> str:
    k, f = ident(key), ident(name)
    said = _("las filas del mismo hecho dicen {said}")
    return dedent(f"""
        with rows as (
            select load_id, row_number, period, territory_code, {k} as k, {f} as v
            from {ROWS}
            where load_id = ? and {k} is not null and {f} is not null
        ),
        split as (
            select k
            from rows
            group by k
            having count(distinct v) > 1
        ),
        votes as (
            select k, v, count(*) as n
            from rows
            semi join split using (k)
            group by k, v
        ),
        ranked as (
            select *, count(*) filter (where n = top) over (partition by k) as leaders,
                   string_agg(v::varchar, ', ') over (partition by k) as said
            from (select *, max(n) over (partition by k) as top from votes)
        )
        select r.load_id, r.row_number, r.period, r.territory_code, {lit(name)} as field,
               {lit(column)} as column_name, r.v::varchar as value, {check.constants()},
               {format_sql(said, said="s.said")} as detail
        from rows as r
        join ranked as s on s.k = r.k and s.v = r.v
        where s.n < s.top or s.leaders > 1
    """)
