"""Completeness: a field the source fills but left blank or marked as unknown in a row.

Blank cells and the spec's «unknown» markers (9, 99, 999, IGNORADO, NO INDICA...) arrive in
the warehouse as NULL or ``unknown``; ``markers`` adds values that a source uses for «unknown»
but that the spec did not declare (an age of 999). Not every blank is a gap: a minor has no DPI
(``adults_only``), the age of an aggressor nobody identified is not a missing fact of its
own (``skip_unidentified``: the missing name already says it), and a source may say when a
field applies at all (``applies``: the date of a ruling, once there is one).

Example rule::

    - id: missing-value
      type: missing
      params:
        exclude: [victim.full_name]
        markers: {age: ["999"]}
        applies:
          date_outcome: [{field: outcome, op: not-in, values: [pending]}]
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import ident, lit
from ciudadana.quality.conditions import Condition
from ciudadana.quality.context import ROWS, Context, LoadInfo, is_category, is_personal
from ciudadana.quality.registry import Check, register

NAME_PARTS = ("full_name", "given_names", "surnames", "first_surname", "second_surname")


class MissingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[str] | Literal["*"] = "*"
    exclude: list[str] = []
    markers: dict[str, list[str]] = {}
    adults_only: list[str] = ["id_number"]
    adult_age: int = 18
    skip_unidentified: list[str] = ["aggressor"]
    applies: dict[str, list[Condition]] = {}


@register
class Missing(Check):
    """Blank or «unknown» values of every field a source's spec fills."""

    type: ClassVar[str] = "missing"
    dimension: ClassVar[str] = "completeness"
    Params = MissingParams

    def run(self, ctx: Context) -> None:
        for info in self.loads:
            fields = self.fields_of(info)
            if not fields:
                continue
            parts = [self.field_sql(info, name, column) for name, column in fields.items()]
            ctx.add_findings("\nunion all\n".join(f for f, _ in parts), [])
            ctx.add_checked("\nunion all\n".join(c for _, c in parts), [])

    def fields_of(self, info: LoadInfo) -> dict[str, str]:
        p = self.params
        mapped = info.mapped_fields()
        wanted = mapped if p.fields == "*" else {f: mapped[f] for f in p.fields if f in mapped}
        return {f: c for f, c in wanted.items() if f not in p.exclude and f != "offence"}

    def field_sql(self, info: LoadInfo, name: str, column: str) -> tuple[str, str]:
        col = ident(name)
        short = name.split(".")[-1]
        if short == "id_number":
            missing = f"{col} = 'missing'"
        elif is_category(name):
            missing = f"({col} is null or {col} = 'unknown')"
        elif name == "territory" and "department" in info.mapped_fields():
            missing = f"({col} is null or {col} = {ident('department')})"
        else:
            missing = f"{col} is null"
        markers = self.params.markers.get(name, self.params.markers.get(short, []))
        if markers:
            missing = f"({missing} or {col}::varchar in ({', '.join(lit(m) for m in markers)}))"
        value = "null" if is_personal(name) or short == "id_number" else f"{col}::varchar"
        where = f"load_id = {info.load_id} and {self.applies(info, name)}"
        missing_text = lit(_("vacío o marcado como desconocido"))
        findings = dedent(f"""
            select load_id, row_number, period, territory_code, {lit(name)} as field,
                   {lit(column)} as column_name, {value} as value, {self.constants()},
                   {missing_text} as detail
            from {ROWS}
            where {where} and {missing}
        """)
        checked = dedent(f"""
            select load_id, period, {lit(self.dimension)} as dimension,
                   {lit(self.rule.id)} as rule, {lit(name)} as field, 'cell' as unit,
                   count(*) as checked
            from {ROWS}
            where {where}
            group by load_id, period
        """)
        return findings, checked

    def applies(self, info: LoadInfo, name: str) -> str:
        """SQL: the rows where a value of ``name`` is expected at all."""
        conditions = [f"({c.sql()})" for c in self.params.applies.get(name, [])]
        if "." not in name:
            return " and ".join(conditions) or "true"
        role, short = name.split(".", 1)
        if short in self.params.adults_only:
            age = ident(f"{role}.age")
            conditions.append(f"({age} is null or {age} >= {self.params.adult_age})")
        mapped = info.mapped_fields()
        names = [f"{role}.{n}" for n in NAME_PARTS if f"{role}.{n}" in mapped]
        if role in self.params.skip_unidentified and names and short not in NAME_PARTS:
            identified = " or ".join(f"{ident(n)} is not null" for n in names)
            conditions.append(f"({identified})")
        return " and ".join(conditions) or "true"
