"""Names within one source, judged against every name the warehouse holds (the corpus): the
standard spelling of a name is the one most records use.

``name-accents``: a word written without its accents (or ñ) when most records write it with
them. ``name-typo``: a word few records use, one keystroke away from one written far more
often (``min_ratio`` times, and at least ``min_common`` times).
``name-abbreviated``: an abbreviated word (``MA.``, ``FCO.``). ``name-parts``: one surname where
Guatemalans write two, or a married form (``LÓPEZ DE PÉREZ``) in place of the second surname:
a gap for linking records, not an error of the person.

Findings keep the row, field and rule; the name itself never leaves the restricted schema.

Example rules::

    - {id: name-accents, type: name-accents, params: {min_share: 0.6}}
    - {id: second-surname-missing, type: name-parts, params: {part: second-surname}}
"""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _
from ciudadana.ingest.sql import lit
from ciudadana.quality.context import FINDINGS, ROWS, Context
from ciudadana.quality.registry import Check, NoParams, register

SURNAME_FIELDS = "('surnames', 'first_surname')"


def build_units(ctx: Context, load_ids: list[int]) -> None:
    """``_q_name_units`` and ``_q_unit_stats``, once per diagnosis."""
    if "name-units" in ctx.built:
        return
    ctx.script("name_units.sql", {"load_ids": load_ids})
    ctx.built.add("name-units")


class NameCheck(Check):
    """Shared plumbing: findings per person record and name field; denominators."""

    dimension: ClassVar[str] = "validity"

    def insert(self, ctx: Context, where_sql: str, detail: str) -> None:
        """``where_sql`` selects from ``_q_name_units as u`` (joined to ``_q_unit_stats as s``)."""
        ctx.execute(
            dedent(f"""
                insert into {FINDINGS} by name
                select distinct u.load_id, u.row_number, u.role || '.' || u.field as field,
                       null as value, {self.constants()}, {lit(detail)} as detail
                from _q_name_units as u
                join _q_unit_stats as s on s.folded = upper(strip_accents(u.unit))
                where u.diagnosed and u.load_id in (select unnest(?)) and ({where_sql})
            """),
            [self.ids],
        )
        ctx.add_checked(
            dedent(f"""
                select u.load_id, r.period, {lit(self.dimension)} as dimension,
                       {lit(self.rule.id)} as rule, u.role || '.' || u.field as field,
                       count(distinct u.row_number) as checked
                from _q_name_units as u
                join {ROWS} as r using (load_id, row_number)
                where u.diagnosed and u.load_id in (select unnest(?))
                group by all
            """),
            [self.ids],
        )


class AccentParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_share: float = 0.6
    min_count: int = 5


@register
class NameAccents(NameCheck):
    """Words written without the accents most records give them."""

    type: ClassVar[str] = "name-accents"
    Params = AccentParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        build_units(ctx, self.ids)
        p = self.params
        self.insert(
            ctx,
            f"u.unit = s.folded and s.dominant <> u.unit and s.dominant_n >= {p.min_count} "
            f"and s.dominant_n >= {p.min_share} * s.total",
            _("escrito sin tildes (o sin ñ) que la mayoría de los registros sí le ponen"),
        )


class TypoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_rare: int = 10
    min_common: int = 5
    min_ratio: float = 10.0
    min_length: int = 3


@register
class NameTypo(NameCheck):
    """Words few records use, one keystroke away from a far more common word."""

    type: ClassVar[str] = "name-typo"
    Params = TypoParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        build_units(ctx, self.ids)
        p = self.params
        ctx.execute(
            dedent(f"""
                create or replace temp table _q_typos as
                select r.folded, any_value(c.dominant) as near
                from _q_unit_stats as r
                join _q_unit_stats as c
                    on c.total >= {p.min_common}
                   and c.total >= {p.min_ratio} * r.total
                   and abs(length(c.folded) - length(r.folded)) <= 1
                   and c.folded <> r.folded
                where r.total <= {p.max_rare} and length(r.folded) >= {p.min_length}
                  and damerau_levenshtein(r.folded, c.folded) = 1
                group by r.folded
            """)
        )
        self.insert(
            ctx,
            "s.folded in (select folded from _q_typos)",
            _("una palabra que casi ningún registro usa, a una tecla de un nombre común"),
        )


@register
class NameAbbreviated(NameCheck):
    """Abbreviated words (``MA.``, ``FCO.``)."""

    type: ClassVar[str] = "name-abbreviated"
    Params = NoParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        build_units(ctx, self.ids)
        self.insert(
            ctx,
            "regexp_full_match(u.unit, '[^_.]{1,4}\\.')",
            _("un nombre abreviado: escríbalo completo"),
        )


class PartsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    part: Literal["second-surname", "married-form"] = "second-surname"
    #: surnames that begin with a particle: «de León» is a surname, not a married form.
    particle_surnames: list[str] = [
        "DE LEÓN",
        "DE LA CRUZ",
        "DE PAZ",
        "DEL CID",
        "DE LA ROSA",
        "DEL VALLE",
        "DE JESÚS",
        "DE LA ROCA",
        "DE LOS SANTOS",
        "DE LA TORRE",
        "DEL ÁGUILA",
        "DE LA PAZ",
    ]


@register
class NameParts(NameCheck):
    """One surname where two are written, or the married form in place of the second."""

    type: ClassVar[str] = "name-parts"
    dimension: ClassVar[str] = "completeness"
    Params = PartsParams

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        build_units(ctx, self.ids)
        particles = [p.upper().replace(" ", "_") for p in self.params.particle_surnames]
        ctx.execute(parts_sql(), [particles])
        if self.params.part == "second-surname":
            where = "p.surname_units = 1 and p.units > 1 or p.field = 'surnames' and p.units = 1"
            detail = _("un solo apellido: falta el segundo")
        else:
            where = "p.married"
            detail = _("forma de casada (apellido del esposo) en lugar del segundo apellido")
        self.insert(
            ctx,
            f"""exists (select 1 from _q_name_parts as p
                 where p.load_id = u.load_id and p.row_number = u.row_number
                   and p.role = u.role and p.field = u.field and ({where}))""",
            detail,
        )


def parts_sql() -> str:
    """``_q_name_parts``: per name field, its units, trailing surname units, married form."""
    return dedent(f"""
        create or replace temp table _q_name_parts as
        with flagged as (
            select u.load_id, u.row_number, u.role, u.field, u.pos, u.n_units,
                   u.unit like 'DE\\_%' escape '\\' and s.as_first_surname = 0
                       and upper(strip_accents(u.unit)) not in (
                           select upper(strip_accents(unnest(?::varchar[])))
                       )
                       and (case u.role when 'victim' then r."victim.sex"
                            else r."aggressor.sex" end) is distinct from 'male'
                       as married_unit,
                   case when u.field in {SURNAME_FIELDS} then true
                        when u.field = 'given_names' then false
                        when s.as_surname + s.as_given = 0 then u.pos > u.n_units - 2
                        else s.as_surname > s.as_given end as surname_like
            from _q_name_units as u
            join _q_unit_stats as s on s.folded = upper(strip_accents(u.unit))
            join {ROWS} as r using (load_id, row_number)
            where u.diagnosed and u.field in ('full_name', 'surnames')
        )
        select load_id, row_number, role, field, any_value(n_units) as units,
               coalesce(
                   list_position(list_reverse(list(surname_like order by pos)), false) - 1,
                   any_value(n_units)
               ) as surname_units,
               bool_or(married_unit and pos = n_units and pos > 1) as married
        from flagged
        group by all
    """)
