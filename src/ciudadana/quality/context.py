"""What a diagnosis knows about each load, and the temporary tables every check writes to.

A check reads the warehouse (and ``_q_rows``, one wide row per loaded record with the canonical
fields as columns) and appends to two temporary tables on the warehouse connection:
``_stage_quality_findings`` (one row per finding) and ``_q_checked`` (how many units each rule
looked at, per load and month: the denominators of the scores). Nothing here writes the
warehouse; :meth:`ciudadana.warehouse.Warehouse.commit_quality` does, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from textwrap import dedent
from typing import Any

import duckdb

from ciudadana.ingest.columns import match_column
from ciudadana.ingest.spec import SourceSpec
from ciudadana.ingest.sql import ident, lit
from ciudadana.ingest.vocabulary import (
    CODE_LISTS,
    RESTRICTED_EVENT_FIELDS,
    RESTRICTED_PERSON_FIELDS,
    ROLES,
)
from ciudadana.quality.rules import EffectiveRule

FINDINGS = "_stage_quality_findings"
CHECKED = "_q_checked"
ROWS = "_q_rows"
MICRODATA_UNITS = ("victim", "event", "complaint", "case", "order")

EVENT_COLUMNS = {  # canonical field -> column of events
    "record_id": "record_id",
    "incident_id": "incident_id",
    "related_record_id": "related_record_id",
    "date_occurrence": "date_occurrence",
    "date_registration": "date_registration",
    "territory": "territory_code",
    "department": "department_code",
    "area": "area",
    "weapon": "weapon",
    "offence": "iccs_code",
    "outcome": "outcome",
    "date_outcome": "date_outcome",
    "date_end": "date_end",
}
LOCATION_COLUMNS = ("address", "lat", "lon")
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
IDENTITY_COLUMNS = tuple(c for c in RESTRICTED_PERSON_FIELDS if c != "id_number")
PERSONAL_FIELDS = frozenset(
    [f"{r}.{n}" for r in ROLES for n in RESTRICTED_PERSON_FIELDS] + list(RESTRICTED_EVENT_FIELDS)
)


def is_personal(name: str) -> bool:
    """Names, identity numbers, birth dates, addresses and coordinates: values never leave the
    restricted schema."""
    return name in PERSONAL_FIELDS


def is_category(name: str) -> bool:
    return name.split(".")[-1] in CODE_LISTS


@dataclass
class LoadInfo:
    """One load being diagnosed: its lineage, its spec (if still found) and its rules."""

    load_id: int
    source_id: str
    spec_name: str
    file_name: str
    unit: str
    date_semantics: str | None
    raw_path: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    period_start: dt.date | None
    period_end: dt.date | None
    started_at: dt.datetime
    headers: list[str]
    spec: SourceSpec | None = None
    rules: dict[str, EffectiveRule] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    raw_read: bool = False
    _mapped: dict[str, str] | None = field(default=None, repr=False)

    @property
    def microdata(self) -> bool:
        return self.unit in MICRODATA_UNITS

    def mapped_fields(self) -> dict[str, str]:
        """Canonical fields the spec fills from the file -> the column label a person sees.

        Constants (``value``) and file metadata are not cells of the file: they are left out.
        """
        if self._mapped is not None:
            return self._mapped
        if self.spec is None:
            return {}
        out: dict[str, str] = {}
        groups = [("", self.spec.fields)] + [(f"{r}.", getattr(self.spec, r)) for r in ROLES]
        for prefix, fields in groups:
            for name, fs in fields.items():
                if fs.column is None and fs.parts is None:
                    continue
                labels = [self._label(c, fs.also) for c in fs.columns()]
                out[prefix + name] = " + ".join(labels)
        self._mapped = out
        return out

    def infer_fields(self, filled: list[str]) -> None:
        """Without its spec, a load's fields are those that hold a value in some row."""
        self._mapped = {name: name for name in filled}

    def _label(self, column: str | int, also: list[str]) -> str:
        if isinstance(column, int):
            return self.headers[column] if column < len(self.headers) else str(column)
        for wanted in [column, *also]:
            j = match_column(wanted, self.headers)
            if j is not None:
                return self.headers[j]
        return column


@dataclass
class Context:
    """The connection and the loads of one diagnosis; checks append findings through it."""

    con: duckdb.DuckDBPyConnection
    loads: list[LoadInfo]
    root: Path | None = None
    workspace_specs: Path | None = None
    notes: list[str] = field(default_factory=list)
    built: set[str] = field(default_factory=set)  # shared temporary tables already made
    #: set when comparing the records a person linkage run ties together (``quality.linked``):
    #: the run, and ``_q_linked`` (load_id, row_number, role, person_id) holds its persons.
    link_run_id: int | None = None

    def by_id(self) -> dict[int, LoadInfo]:
        return {info.load_id: info for info in self.loads}

    def execute(self, sql: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def script(
        self, name: str, params: dict[str, Any], replace: dict[str, str] | None = None
    ) -> None:
        """Run ``quality/sql/<name>``: statement by statement, each with the ``$params`` it
        names; ``replace`` substitutes SQL text (fixed expressions, never user values)."""
        text = (resources.files("ciudadana.quality") / "sql" / name).read_text("utf-8")
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        for key, value in (replace or {}).items():
            text = text.replace(key, value)
        for body in text.split(";"):
            if body.strip():
                used = {k: v for k, v in params.items() if f"${k}" in body}
                self.con.execute(body, used)

    def add_findings(self, sql: str, params: list[Any] | None = None) -> None:
        """Append the rows of ``sql`` (named like the columns of the findings table)."""
        self.execute(f"insert into {FINDINGS} by name ({sql})", params)

    def add_checked(self, sql: str, params: list[Any] | None = None) -> None:
        """Append denominators: ``load_id, period, dimension, rule, field, checked`` and
        ``unit`` (``row`` unless told: rules counted in rows share one component of their
        dimension's score; ``cell`` and other units are components of their own)."""
        self.execute(f"insert into {CHECKED} by name ({sql})", params)

    def rows_checked(
        self,
        rule: str,
        dimension: str,
        loads: list[LoadInfo],
        field: str | None = None,
        where: str = "true",
    ) -> None:
        """Every loaded row of ``loads`` (where ``where`` holds) was looked at by ``rule``."""
        if not loads:
            return
        self.add_checked(
            rows_checked_sql(rule, dimension, field, where), [[i.load_id for i in loads]]
        )


def rows_checked_sql(rule: str, dimension: str, field: str | None, where: str) -> str:
    return dedent(f"""
        select load_id, period, {lit(dimension)} as dimension, {lit(rule)} as rule,
               {lit(field)} as field, count(*) as checked
        from {ROWS}
        where load_id in (select unnest(?))
          and ({where})
        group by load_id, period
    """)


def staging_sql() -> list[str]:
    """The temporary tables of one diagnosis."""
    return [
        dedent(f"""
            create or replace temp table {FINDINGS} (
                load_id integer, row_number bigint, field varchar, column_name varchar,
                value varchar, rule varchar, dimension varchar, severity varchar, period date,
                territory_code varchar, related_load_id integer, related_row_number bigint,
                detail varchar, link_run_id integer
            )
        """),
        dedent(f"""
            create or replace temp table {CHECKED} (
                load_id integer, period date, dimension varchar, rule varchar, field varchar,
                unit varchar default 'row', checked bigint, link_run_id integer
            )
        """),
    ]


def rows_sql(roles: tuple[str, ...] = ROLES, identity: bool = True, location: bool = True) -> str:
    """``_q_rows``: one wide row per loaded record of the diagnosed loads, canonical names.

    Tables the loads do not fill (no aggressor, no names, no places) are not joined: their
    columns are NULL.
    """
    person, joins = [], []
    for role in ROLES:
        a, b = role[0], f"{role[0]}i"
        here = role in roles
        for c in PERSON_COLUMNS:
            person.append(f"{f'{a}.{c}' if here else 'null'} as {ident(f'{role}.{c}')}")
        status = f"{a}.id_number_status" if here else "null"
        person.append(f"{status} as {ident(f'{role}.id_number')}")
        for c in IDENTITY_COLUMNS:
            value = f"{b}.{c}" if here and identity else "null"
            person.append(f"{value} as {ident(f'{role}.{c}')}")
        if here:
            joins.append(
                f"left join persons as {a} on {a}.load_id = e.load_id "
                f"and {a}.row_number = e.row_number and {a}.role = '{role}'"
            )
        if here and identity:
            joins.append(
                f"left join restricted.person_identity as {b} on {b}.load_id = e.load_id "
                f"and {b}.row_number = e.row_number and {b}.role = '{role}'"
            )
    if location:
        joins.append(
            "left join restricted.event_location as loc "
            "on loc.load_id = e.load_id and loc.row_number = e.row_number"
        )
    events = [f"e.{col} as {ident(name)}" for name, col in EVENT_COLUMNS.items()]
    place = [f"{f'loc.{c}' if location else 'null'} as {ident(c)}" for c in LOCATION_COLUMNS]
    body = ",\n            ".join(events + place + person)
    return dedent(f"""
        create or replace temp table {ROWS} as
        select
            e.load_id,
            e.row_number,
            e.source_id,
            date_trunc('month', e.reference_date)::date as period,
            e.reference_date,
            e.territory_code,
            e.department_code,
            {body}
        from events as e
        {chr(10).join(joins)}
        where e.load_id in (select unnest($load_ids::integer[]))
    """)


def present_sql() -> str:
    """Which person roles, and whether names and places, the diagnosed loads hold."""
    return dedent("""
        select
            (select list(distinct role) from persons
             where load_id in (select unnest($load_ids::integer[]))),
            exists (select 1 from restricted.person_identity
                    where load_id in (select unnest($load_ids::integer[]))),
            exists (select 1 from restricted.event_location
                    where load_id in (select unnest($load_ids::integer[])))
    """)
