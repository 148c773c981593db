"""Uniqueness: the same record twice in one load.

``exact-duplicates``: a row whose every loaded value (record, persons, names, place) equals an
earlier row of the same load; the later row is flagged and names the earlier one.
``near-duplicates``: the same person in the same fact (same date, place, offence and the same
name, or the same valid identity number) written twice with some other value changed.
``unique-key``: a record identifier that should name one row (a court case, a protection
order) shared by rows that are not exact copies.

Example rules::

    - {id: exact-duplicate, type: exact-duplicates}
    - {id: record-id-repeated, type: unique-key, params: {units: [case, order, event]}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql, ident, lit
from ciudadana.quality.context import (
    EVENT_COLUMNS,
    IDENTITY_COLUMNS,
    LOCATION_COLUMNS,
    PERSON_COLUMNS,
    ROWS,
    Context,
)
from ciudadana.quality.registry import Check, NoParams, register

VALUE_COLUMNS = (
    list(EVENT_COLUMNS)
    + list(LOCATION_COLUMNS)
    + [
        f"{role}.{c}"
        for role in ("victim", "aggressor")
        for c in (*PERSON_COLUMNS, "id_number", *IDENTITY_COLUMNS)
    ]
)


def row_hash_sql() -> str:
    return "hash(" + ", ".join(ident(c) for c in VALUE_COLUMNS) + ")"


@register
class ExactDuplicates(Check):
    """Later rows equal to an earlier row of the same load in every loaded value."""

    type: ClassVar[str] = "exact-duplicates"
    dimension: ClassVar[str] = "uniqueness"
    Params = NoParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        repeats = format_sql(_("repite la fila {row}"), row="first_row")
        ctx.add_findings(
            dedent(f"""
                with hashed as (
                    select load_id, row_number, period, territory_code, {row_hash_sql()} as h
                    from {ROWS}
                    where load_id in (select unnest(?))
                ),
                firsts as (
                    select load_id, row_number, period, territory_code,
                           min(row_number) over (partition by load_id, h) as first_row
                    from hashed
                )
                select load_id, row_number, period, territory_code, null as field,
                       null as column_name, first_row::varchar as value, {self.constants()},
                       load_id as related_load_id, first_row as related_row_number,
                       {repeats} as detail
                from firsts
                where row_number > first_row
            """),
            [self.ids],
        )
        ctx.rows_checked(self.rule.id, self.dimension, self.loads)


class NearParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fact: list[str] = ["reference_date", "territory", "offence"]


@register
class NearDuplicates(Check):
    """The same person in the same fact twice, not as an exact copy."""

    type: ClassVar[str] = "near-duplicates"
    dimension: ClassVar[str] = "uniqueness"
    Params = NearParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        fact = ", ".join(ident(f) for f in self.params.fact)
        person = (
            "coalesce(nullif(v.idn, ''), upper(strip_accents(coalesce(\"victim.full_name\", "
            'concat_ws(\' \', "victim.given_names", "victim.surnames", '
            '"victim.first_surname", "victim.second_surname")))))'
        )
        same_person = format_sql(
            _("la misma persona en el mismo hecho que la fila {row}, con algún dato distinto"),
            row="first_row",
        )
        ctx.add_findings(
            dedent(f"""
                with keyed as (
                    select r.load_id, r.row_number, r.period, r.territory_code,
                           hash({fact}, {person}) as k, {row_hash_sql()} as h
                    from {ROWS} as r
                    left join (
                        select load_id, row_number, id_number as idn
                        from restricted.person_identity
                        where role = 'victim'
                    ) as v using (load_id, row_number)
                    where r.load_id in (select unnest(?))
                      and nullif({person}, '') is not null
                ),
                firsts as (
                    select *, min(row_number) over (partition by load_id, k) as first_row,
                           min(row_number) over (partition by load_id, h) as first_same
                    from keyed
                )
                select load_id, row_number, period, territory_code, null as field,
                       null as column_name, first_row::varchar as value, {self.constants()},
                       load_id as related_load_id, first_row as related_row_number,
                       {same_person} as detail
                from firsts
                where row_number > first_row and first_same = row_number
            """),
            [self.ids],
        )
        ctx.rows_checked(self.rule.id, self.dimension, self.loads)


class UniqueParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = "record_id"
    units: list[str] = ["case", "order", "event", "complaint"]


@register
class UniqueKey(Check):
    """A record identifier shared by rows that are not exact copies of each other."""

    type: ClassVar[str] = "unique-key"
    dimension: ClassVar[str] = "uniqueness"
    Params = UniqueParams

    def run(self, ctx: Context) -> None:
        p = self.params
        loads = [i for i in self.loads if i.unit in p.units and p.key in i.mapped_fields()]
        if not loads:
            return
        k = ident(p.key)
        taken = format_sql(_("el identificador ya está en la fila {row}"), row="first_row")
        ctx.add_findings(
            dedent(f"""
                with keyed as (
                    select load_id, row_number, period, territory_code, {k} as k,
                           {row_hash_sql()} as h
                    from {ROWS}
                    where load_id in (select unnest(?)) and {k} is not null
                ),
                firsts as (
                    select *, min(row_number) over (partition by load_id, k) as first_row,
                           min(row_number) over (partition by load_id, h) as first_same
                    from keyed
                )
                select load_id, row_number, period, territory_code, {lit(p.key)} as field,
                       k::varchar as value, {self.constants()},
                       load_id as related_load_id, first_row as related_row_number,
                       {taken} as detail
                from firsts
                where row_number > first_row and first_same = row_number
            """),
            [[i.load_id for i in loads]],
        )
        ctx.rows_checked(self.rule.id, self.dimension, loads, p.key)
