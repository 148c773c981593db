"""Validity evidence the ingest already found, reused (not recomputed): invalid dates, codes
outside their code lists, unknown or approximate territories, identity numbers that fail
their verifier, coordinates outside the country, refused rows.

Each ingest code becomes a finding of the same code, in the dimension ``dimensions`` gives it
(validity unless said otherwise). ``rename`` gives a code another rule name.

Example rule::

    - id: ingest-findings
      type: ingest-findings
      params: {dimensions: {total-mismatch: consistency}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.ingest.sql import lit
from ciudadana.quality.context import ROWS, Context
from ciudadana.quality.registry import Check, register


class IngestParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimensions: dict[str, str] = {}
    rename: dict[str, str] = {}
    severity: dict[str, str] = {}


@register
class IngestFindings(Check):
    """Every finding of the ingest of each load, as a quality finding."""

    type: ClassVar[str] = "ingest-findings"
    dimension: ClassVar[str] = "validity"
    Params = IngestParams
    scope: ClassVar[str] = "all"

    def case(self, mapping: dict[str, str], default: str) -> str:
        if not mapping:
            return default
        whens = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in mapping.items())
        return f"case f.code {whens} else {default} end"

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        p = self.params
        rule = self.case(p.rename, "f.code")
        dimension = self.case(p.dimensions, lit(self.dimension))
        severity = self.case(p.severity, "f.severity")
        ctx.add_findings(
            dedent(f"""
                select f.load_id, f.row_number, f.field, f.column_name, f.value,
                       {rule} as rule, {dimension} as dimension, {severity} as severity,
                       f.message as detail
                from findings as f
                where f.load_id in (select unnest(?))
            """),
            [self.ids],
        )
        # Denominators: every row received was checked, for each code found and as a baseline.
        ctx.add_checked(
            dedent(f"""
                with found as (
                    select distinct f.load_id, {rule} as rule, {dimension} as dimension, f.field
                    from findings as f
                    where f.load_id in (select unnest(?))
                    union all
                    select unnest(?::integer[]), {lit(self.rule.id)}, {lit(self.dimension)}, null
                ),
                rows as (
                    select load_id, period, count(*) as n
                    from {ROWS}
                    group by load_id, period
                    union all
                    select load_id, null, rows_in - rows_loaded
                    from loads
                    where load_id in (select unnest(?)) and rows_in > rows_loaded
                    union all
                    select load_id, null, rows_loaded
                    from loads
                    where load_id in (select unnest(?))
                      and counting_unit in ('aggregate', 'population')
                )
                select found.load_id, rows.period, found.dimension, found.rule, found.field,
                       rows.n as checked
                from found
                join rows using (load_id)
            """),
            [self.ids, self.ids, self.ids, self.ids],
        )
