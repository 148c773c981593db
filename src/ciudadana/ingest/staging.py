"""From ``_parsed`` to the staging tables the warehouse commits: rows that passed go to their
tables, rows that failed to quarantine with every finding. Nothing here writes the warehouse.
"""

from __future__ import annotations

import duckdb

from ciudadana.i18n import _
from ciudadana.ingest.compile import Compiled
from ciudadana.ingest.readers import RAW, RawTable, row_label_sql
from ciudadana.ingest.spec import SourceSpec
from ciudadana.ingest.sql import execute, format_sql, ident, lit
from ciudadana.ingest.vocabulary import RESTRICTED_EVENT_FIELDS, RESTRICTED_PERSON_FIELDS, ROLES

PERSON_COLUMNS = (
    "sex",
    "gender_identity",
    "sexual_orientation",
    "age",
    "pueblo",
    "disability",
    "nationality",
    "migration_status",
    "marital_status",
    "relationship",
)
MONTHS = {str(m): m for m in range(1, 13)}


class Stager:
    """Builds the ``_stage_*`` tables of one load on the warehouse connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: SourceSpec,
        compiled: Compiled,
        raw: RawTable,
        load_id: int,
        file_name: str,
        file_findings: list[tuple[str, str]] | None = None,
    ) -> None:
        self.con, self.spec, self.compiled, self.raw = con, spec, compiled, raw
        self.load_id, self.file_name = load_id, file_name
        self.file_findings = file_findings or []
        self.tables: list[str] = []

    def col(self, name: str, prefix: str = "v") -> str:
        return ident(f"{prefix}:{name}") if name in self.compiled.fields else "null"

    def make(self, target: str, sql: str) -> None:
        from ciudadana.warehouse.store import STAGED_TARGETS

        # A view: the rows are computed once, by the warehouse's insert, inside its transaction.
        execute(self.con, f"create or replace temp view {STAGED_TARGETS[target]} as {sql}")
        self.tables.append(target)

    def run(self) -> list[str]:
        unit = self.spec.unit
        if unit == "aggregate":
            self._aggregates()
        elif unit == "population":
            self._population()
        else:
            self._events()
            self._persons([r for r in ("victim", "aggressor") if getattr(self.spec, r)])
        self._quarantine()
        self._findings()
        return self.tables

    # -- microdata ----------------------------------------------------------------------------

    def _events(self) -> None:
        c, s = self.col, self.spec
        ref = "date_occurrence" if s.date_semantics == "occurrence" else "date_registration"
        self.make(
            "events",
            f"""
            select
                {self.load_id}::integer as load_id,
                __row as row_number,
                {lit(s.id)} as source_id,
                {c("record_id")}::varchar as record_id,
                {c("incident_id")}::varchar as incident_id,
                {c("related_record_id")}::varchar as related_record_id,
                {lit(s.unit)} as counting_unit,
                {c("offence")}[1] as iccs_code,
                {c("offence", "n")}::varchar as national_code,
                {c("date_occurrence")}::date as date_occurrence,
                {c("date_registration")}::date as date_registration,
                {c(ref)}::date as reference_date,
                {c(ref, "s")}::varchar as date_precision,
                {lit(s.country)} as country,
                coalesce({c("territory")}, {c("department")})::varchar as territory_code,
                coalesce({c("territory", "x")}, {c("department")})::varchar as department_code,
                {c("area")}::varchar as area,
                {c("weapon")}::varchar as weapon,
                {c("outcome")}::varchar as outcome,
                {c("date_outcome")}::date as date_outcome,
                {c("date_end")}::date as date_end
            from _parsed
            where not __error
        """,
        )
        self.make(
            "event_offences",
            f"""
            select
                {self.load_id}::integer as load_id,
                __row as row_number,
                unnest({c("offence")}) as iccs_code,  -- each code once (ingest.lookups)
                {c("offence", "n")}::varchar as national_code
            from _parsed
            where not __error
        """,
        )
        if any(f in self.compiled.fields for f in ("address", "lat", "lon")):
            self.make(
                "restricted.event_location",
                f"""
                select {self.load_id}::integer as load_id, __row as row_number,
                       {c("address")}::varchar as address, {c("lat")}::double as lat,
                       {c("lon")}::double as lon
                from _parsed
                where not __error
            """,
            )

    def _persons(self, roles: list[str]) -> None:
        """One row per role per loaded record; names and numbers only in the restricted part."""
        c = self.col
        persons, identities = [], []
        for role in roles:
            items = [f"{c(f'{role}.{name}')} as {name}" for name in PERSON_COLUMNS]
            items.append(f"{c(f'{role}.age', 's')}::varchar as age_status")
            items.append(f"{c(f'{role}.id_number', 's')}::varchar as id_number_status")
            persons.append(f"""
                select {self.load_id}::integer as load_id, __row as row_number,
                       {lit(role)} as role, {", ".join(items)}
                from _parsed
                where not __error""")
            present = [
                c(f"{role}.{n}")
                for n in RESTRICTED_PERSON_FIELDS
                if f"{role}.{n}" in self.compiled.fields
            ]
            if present:
                # A person the source names or numbers; nothing to keep when every field is empty.
                names = ", ".join(f"{c(f'{role}.{n}')} as {n}" for n in RESTRICTED_PERSON_FIELDS)
                identities.append(f"""
                    select {self.load_id}::integer as load_id, __row as row_number,
                           {lit(role)} as role, {names}
                    from _parsed
                    where not __error
                      and ({" or ".join(f"{v} is not null" for v in present)})""")
        if persons:
            self.make("persons", "\nunion all\n".join(persons))
        if identities:
            self.make("restricted.person_identity", "\nunion all\n".join(identities))

    # -- tables of counts ----------------------------------------------------------------------

    def _period(self, month_sql: str) -> tuple[str, str]:
        year = f"{self.col('year')}::integer"
        start = f"make_date({year}, coalesce({month_sql}, 1)::integer, 1)"
        end = (
            f"case when {month_sql} is null then make_date({year}, 12, 31) "
            f"else last_day({start}) end"
        )
        return start, end

    def _aggregates(self) -> None:
        c, s = self.col, self.spec
        selects = []
        cells = s.unpivot.columns if s.unpivot else {"value": None}
        for header, into in cells.items():
            value = c(f"cell:{header}") if s.unpivot else c("value")
            month = (
                lit(str(MONTHS.get(into or "", into))) + "::integer"
                if s.unpivot and s.unpivot.into == "month"
                else c("month")
            )
            start, end = self._period(month)
            sex = lit(into) if s.unpivot and s.unpivot.into == "sex" else c("sex")
            age = lit(into) if s.unpivot and s.unpivot.into == "age_group" else c("age_group")
            selects.append(f"""
                select {self.load_id}::integer as load_id, __row as row_number,
                       {lit(header)} as cell, {c("offence")}[1] as iccs_code,
                       {c("offence", "n")}::varchar as national_code, {lit(s.country)} as country,
                       coalesce({c("territory")}, {c("department")})::varchar as territory_code,
                       {start} as period_start, {end} as period_end,
                       {sex}::varchar as sex, {age}::varchar as age_group,
                       coalesce({value}, 0)::double as value
                from _parsed
                where not __error""")
        self.make("aggregates", "\nunion all\n".join(selects))

    def _population(self) -> None:
        c, s = self.col, self.spec
        self.make(
            "population",
            f"""
            select {self.load_id}::integer as load_id, __row as row_number,
                   {lit(s.country)} as country, {c("year")}::integer as year,
                   coalesce({c("territory")}, {c("department")})::varchar as territory_code,
                   coalesce({c("sex")}, 'total')::varchar as sex,
                   coalesce({c("age_min")}, 0)::integer as age_min,
                   {c("age_max")}::integer as age_max,
                   {c("value")}::double as population
            from _parsed
            where not __error
        """,
        )

    # -- what was refused, and why -------------------------------------------------------------

    def _quarantine(self) -> None:
        pairs = ", ".join(f"{lit(h)}, r.c{j}" for j, h in enumerate(self.raw.headers))
        rejects = ""
        if self.raw.rejected_lines:
            rejects = f"""
                union all
                select {self.load_id}::integer, __row,
                       json_object('linea_original', line, 'motivo', reason)
                from _rejects"""
        self.make(
            "restricted.quarantine",
            f"""
            select {self.load_id}::integer as load_id, p.__row as row_number,
                   json_object({pairs}) as raw
            from _parsed as p
            join {RAW} as r using (__row)
            where p.__error
            {rejects}
        """,
        )

    def _findings(self) -> None:
        file = lit(self.file_name)
        drift = "".join(
            f"""
            union all
            select {self.load_id}::integer, null, null, null, null, {lit(code)}, 'warning',
                   {lit(message)}"""
            for code, message in self.file_findings
        )
        rejects = ""
        if self.raw.rejected_lines:
            cut = _(
                "{file}, fila {row}: la fila no se puede separar en columnas ({reason}). Revise "
                "comillas y separadores o si el archivo está truncado."
            )
            rejects = f"""
            union all
            select {self.load_id}::integer, __row, null, null, null,
                   'malformed-row', 'error',
                   {format_sql(cut, file=file, row="__row", reason="reason")}
            from _rejects"""
        # Values of personal fields never leave the restricted schema (see the quarantine).
        personal = [f"{role}.{name}" for role in ROLES for name in RESTRICTED_PERSON_FIELDS]
        personal += list(RESTRICTED_EVENT_FIELDS)
        shown = (
            f"case when f.field in ({', '.join(lit(p) for p in personal)}) then null "
            "else f.value end"
        )
        restricted = lit(_("(dato reservado)"))
        message = format_sql(
            _('{file}, {row}, campo "{column}": {value} {reason}'),
            file=file,
            row=row_label_sql("__row", self.raw.sheets),
            column="f.col",
            value=f"""coalesce('"' || ({shown}) || '"', {restricted})""",
            reason="coalesce(f.reason, '')",
        )
        self.make(
            "findings",
            f"""
            select {self.load_id}::integer as load_id, __row as row_number, f.field as field,
                   f.col as column_name, {shown} as value, f.code as code,
                   f.severity as severity, {message} as message
            from _findings as f
            {drift}
            {rejects}
        """,
        )
