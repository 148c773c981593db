"""Validity of what was written, read again from the received file (kept unchanged in raw/):
what the ingest read correctly but the institution should still write differently.

``raw-format``: identity numbers written with spaces, dashes or dots (the warehouse keeps the 13
digits; the export should too); territory names not written as the official name (without
accents, abbreviated, an alias, or misspelt and resolved by approximation), which keeps every
other system that reads the export from matching them.

Example rule::

    - {id: nonstandard-format, type: raw-format, params: {id_numbers: true, territories: true}}
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.ingest.readers import RAW, read_file
from ciudadana.ingest.sql import format_sql, ident, lit
from ciudadana.ingest.vocabulary import EVENT_FIELDS, PERSON_FIELDS
from ciudadana.quality.context import ROWS, Context, LoadInfo
from ciudadana.quality.registry import Check, register


class RawParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_numbers: bool = True
    territories: bool = True


def kind_of(name: str, parse: str) -> str:
    if parse != "auto":
        return parse
    short = name.split(".")[-1]
    return PERSON_FIELDS.get(short, "") if "." in name else EVENT_FIELDS.get(name, "")


@register
class RawFormat(Check):
    """Cells read correctly that are still not written in the standard form."""

    type: ClassVar[str] = "raw-format"
    dimension: ClassVar[str] = "validity"
    Params = RawParams

    def columns(self, info: LoadInfo) -> list[tuple[str, str, str]]:
        """(field, kind, header) of the cells to look at again."""
        assert info.spec is not None
        out = []
        groups = [("", info.spec.fields)] + [
            (f"{r}.", getattr(info.spec, r)) for r in ("victim", "aggressor")
        ]
        for prefix, fields in groups:
            for name, fs in fields.items():
                kind = kind_of(prefix + name, fs.parse)
                if isinstance(fs.column, str) and (
                    kind == "cui"
                    and self.params.id_numbers
                    or kind == "territory"
                    and self.params.territories
                ):
                    out.append((prefix + name, kind, info.mapped_fields()[prefix + name]))
        return out

    def run(self, ctx: Context) -> None:
        for info in self.loads:
            if info.spec is None or not self.columns(info):
                continue
            path = ctx.root / info.raw_path if ctx.root else Path(info.raw_path)
            try:
                raw = read_file(ctx.con, path, info.spec.reader, info.file_name)
            except (CiudadanaError, OSError) as exc:
                ctx.notes.append(f"{info.file_name}: no se pudo releer el archivo ({exc}).")
                continue
            info.sheets, info.raw_read = raw.sheets, True
            for name, kind, header in self.columns(info):
                if header not in raw.headers:
                    continue
                cell = f"nullif(trim(r.c{raw.headers.index(header)}), '')"
                sql = cui_sql if kind == "cui" else territory_sql
                ctx.add_findings(sql(self, info, name, header, cell))
                ctx.add_checked(
                    dedent(f"""
                        select {info.load_id} as load_id, q.period,
                               {lit(self.dimension)} as dimension, {lit(self.rule.id)} as rule,
                               {lit(name)} as field, count({cell}) as checked
                        from {RAW} as r
                        left join {ROWS} as q
                            on q.load_id = {info.load_id} and q.row_number = r.__row
                        group by all
                    """)
                )
            ctx.execute(f"drop table if exists {RAW}")
            ctx.execute("drop table if exists _rejects")


def cui_sql(check: Check, info: LoadInfo, name: str, header: str, cell: str) -> str:
    spaced = lit(_("el número trae espacios, guiones o puntos: escríbalo como 13 dígitos seguidos"))
    return dedent(f"""
        select {info.load_id} as load_id, r.__row as row_number, {lit(name)} as field,
               {lit(header)} as column_name, null as value, {check.constants()},
               {spaced} as detail
        from {RAW} as r
        where regexp_matches({cell}, '[0-9][\\s.\\-]+[0-9]')
    """)


def territory_sql(check: Check, info: LoadInfo, name: str, header: str, cell: str) -> str:
    """Names (not codes) that are not an official name, unless ingest already said so.

    A spelling the file uses for most rows of its territory (ten or more) is the export's
    convention: one finding for the whole load names it (``escrito así en N filas``). A
    spelling used now and then is a slip: each row is flagged.
    """
    code = "department" if name == "department" else "territory"
    country = lit(info.spec.country if info.spec else "")
    unofficial = lit(_("no es el nombre oficial"))
    official = format_sql(_("no es el nombre oficial: {name}"), name="m.name")
    written = format_sql(_(" (escrito así en {n} filas)"), n="u.n")
    return dedent(f"""
        with cells as (
            select r.__row as row_number, {cell} as value, q.{ident(code)} as code
            from {RAW} as r
            left join {ROWS} as q
                on q.load_id = {info.load_id} and q.row_number = r.__row
            where {cell} is not null and not regexp_full_match({cell}, '[0-9]+')
        ),
        official as (
            select distinct upper(name) as written from territories where country = {country}
        ),
        flagged as (
            select c.*
            from cells as c
            anti join official as o on o.written = upper(c.value)
            anti join (
                select row_number from findings
                where load_id = {info.load_id} and field = {lit(name)}
            ) as f using (row_number)
        ),
        usage as (
            select code, value, count(*) as n,
                   (select count(*) from cells as a where a.code = f.code) as of_code
            from flagged as f
            group by code, value
        ),
        named as (
            select upper(strip_accents(name)) as key, any_value(name) as name
            from territories where country = {country}
            group by 1
        )
        select distinct {info.load_id} as load_id,
               case when u.n >= 10 and u.n * 2 > u.of_code then null else f.row_number end
                   as row_number,
               {lit(name)} as field, {lit(header)} as column_name, f.value as value,
               {check.constants()},
               case when m.name is null then {unofficial} else {official} end
                   || case when u.n >= 10 and u.n * 2 > u.of_code
                           then {written} else '' end as detail
        from flagged as f
        join usage as u using (code, value)
        left join named as m on m.key = upper(strip_accents(f.value))
    """)
