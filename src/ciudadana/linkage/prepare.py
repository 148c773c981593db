"""The records to link, read from the warehouse's current loads and keyed for comparison.

One row per person of each record (a victim or an aggressor), from ``current_persons``, their
names and numbers from ``restricted.person_identity`` and the event's date and place from
``current_events``. Names become keys (``names.py``), identity numbers their 13 digits and the
municipality of registration, an age at a known date an approximate birth year.

Each record gets a ``uid``: ``load_id * 10**11 + row_number * 10 + role`` (0 victim, 1
aggressor), so that a pair always leads back to its load, row and role.

Example:
    >>> uid_of(3, 1000165, "aggressor")
    300010001651
    >>> key_of(300010001651)
    (3, 1000165, 'aggressor')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from textwrap import dedent
from typing import Any

import duckdb
import pyarrow as pa

from ciudadana.linkage.names import NameParts, NameVocabulary, person_name
from ciudadana.standards.identity import normalize_cui

ROLES = ("victim", "aggressor")
UID_LOAD = 10**11


def uid_of(load_id: int, row_number: int, role: str) -> int:
    """The record's linkage id (see the module's docstring)."""
    return load_id * UID_LOAD + row_number * 10 + ROLES.index(role)


def key_of(uid: int) -> tuple[int, int, str]:
    """``(load_id, row_number, role)`` of a linkage id."""
    load_id, rest = divmod(uid, UID_LOAD)
    row_number, role = divmod(rest, 10)
    return load_id, row_number, ROLES[role]


def person_records_sql(sources: Sequence[str] | None = None) -> str:
    """Every person of every current load, with identity, event date and place."""
    where = "where l.source_id in (select unnest($sources))" if sources else ""
    return dedent(
        f"""
        select
            p.load_id,
            p.row_number,
            p.role,
            l.source_id,
            i.full_name,
            i.given_names,
            i.surnames,
            i.first_surname,
            i.second_surname,
            i.id_number,
            i.birth_date,
            p.sex,
            p.age,
            coalesce(e.date_occurrence, e.reference_date, e.date_registration) as event_date,
            e.date_occurrence,
            case
                when e.territory_code is distinct from e.department_code then e.territory_code
            end as territory_code,
            coalesce(e.department_code, substr(e.territory_code, 1, 2)) as department_code,
            e.iccs_code,
            e.incident_id,
            e.record_id,
            e.related_record_id,
            e.counting_unit
        from current_persons as p
        join current_loads as l
            using (load_id)
        left join restricted.person_identity as i
            using (load_id, row_number, role)
        left join current_events as e
            using (load_id, row_number)
        {where}
        order by p.load_id, p.row_number, p.role
        """
    )


def read_person_rows(
    con: duckdb.DuckDBPyConnection, sources: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The raw person rows (see :func:`person_records_sql`) as dictionaries."""
    params = {"sources": list(sources)} if sources else None
    cur = con.execute(person_records_sql(sources), params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def learn_vocabulary(rows: Sequence[dict[str, Any]]) -> NameVocabulary:
    """Which words the sources that split names write as given names, which as surnames."""
    vocab = NameVocabulary()
    split = [
        r for r in rows if r.get("given_names") and (r.get("surnames") or r.get("first_surname"))
    ]
    vocab.learn(
        (r["given_names"] for r in split),
        (r.get("surnames") or r.get("first_surname") for r in split),
    )
    return vocab


def _decimal_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


def birth_year(birth: dt.date | None, age: int | None, when: dt.date | None) -> float | None:
    """Birth as a decimal year: from the birth date, else from an age at a known date.

    Example:
        >>> round(birth_year(None, 30, dt.date(2020, 7, 2)), 1)
        1990.0
    """
    if birth is not None:
        return round(_decimal_year(birth), 3)
    if age is None or when is None or age < 0 or age > 120:
        return None
    return round(_decimal_year(when) - age - 0.5, 3)


def id_fields(value: str | None) -> tuple[str | None, str | None]:
    """The 13 digits of a CUI and its municipality of registration (digits 10-13).

    Example:
        >>> id_fields("2345 67890 0101")
        ('2345678900101', '0101')
        >>> id_fields("12-34")
        (None, None)
    """
    if not value:
        return None, None
    digits = normalize_cui(str(value))
    if len(digits) != 13 or not digits.isdigit():
        return None, None
    return digits, digits[9:13]


def _week(day: dt.date | None, shift: int) -> int | None:
    """Week number since 1970 of ``day + shift`` days: two offset weeks catch any ±3 days."""
    return None if day is None else (day.toordinal() - 719163 + shift) // 7


def _sex(value: str | None) -> str | None:
    return value if value in ("male", "female") else None


def linkage_row(
    raw: dict[str, Any], vocab: NameVocabulary, cache: dict[tuple, NameParts]
) -> dict[str, Any]:
    """One record's comparison columns (names keyed, numbers cleaned, birth year estimated)."""
    key = (
        raw.get("full_name"),
        raw.get("given_names"),
        raw.get("surnames"),
        raw.get("first_surname"),
        raw.get("second_surname"),
    )
    parts = cache.get(key)
    if parts is None:
        parts = cache[key] = person_name(*key, vocabulary=vocab)
    number, registered = id_fields(raw.get("id_number"))
    when = raw.get("date_occurrence") or raw.get("event_date")
    return {
        "uid": uid_of(raw["load_id"], raw["row_number"], raw["role"]),
        "load_id": raw["load_id"],
        "row_number": raw["row_number"],
        "role": raw["role"],
        "source_id": raw["source_id"],
        **parts.as_row(),
        "id_number": number,
        "id_municipality": registered,
        "birth_date": raw.get("birth_date"),
        "birth_year": birth_year(raw.get("birth_date"), raw.get("age"), when),
        "sex": _sex(raw.get("sex")),
        "age": raw.get("age"),
        "event_date": raw.get("event_date"),
        "occurrence_date": raw.get("date_occurrence"),
        "event_week": _week(raw.get("event_date"), 0),
        "event_week3": _week(raw.get("event_date"), 3),
        "event_key": raw.get("incident_id") or raw.get("record_id"),
        "counting_unit": raw.get("counting_unit"),
        "territory_code": raw.get("territory_code"),
        "department_code": raw.get("department_code"),
        "iccs_code": raw.get("iccs_code"),
        "incident_id": raw.get("incident_id"),
        "record_id": raw.get("record_id"),
        "related_record_id": raw.get("related_record_id"),
    }


SCHEMA = pa.schema(
    [
        ("uid", pa.int64()),
        ("load_id", pa.int32()),
        ("row_number", pa.int64()),
        ("role", pa.string()),
        ("source_id", pa.string()),
        ("given1", pa.string()),
        ("given_all", pa.string()),
        ("given_tokens", pa.list_(pa.string())),
        ("surname1", pa.string()),
        ("surname2", pa.string()),
        ("surname_pair", pa.string()),
        ("married", pa.bool_()),
        ("surname_tokens", pa.list_(pa.string())),
        ("name_tokens", pa.list_(pa.string())),
        ("given1_ph", pa.string()),
        ("surname1_ph", pa.string()),
        ("surname2_ph", pa.string()),
        ("id_number", pa.string()),
        ("id_municipality", pa.string()),
        ("birth_date", pa.date32()),
        ("birth_year", pa.float64()),
        ("sex", pa.string()),
        ("age", pa.int32()),
        ("event_date", pa.date32()),
        ("occurrence_date", pa.date32()),
        ("event_week", pa.int32()),
        ("event_week3", pa.int32()),
        ("event_key", pa.string()),
        ("counting_unit", pa.string()),
        ("territory_code", pa.string()),
        ("department_code", pa.string()),
        ("iccs_code", pa.string()),
        ("incident_id", pa.string()),
        ("record_id", pa.string()),
        ("related_record_id", pa.string()),
    ]
)


def linkage_table(rows: Sequence[dict[str, Any]], vocab: NameVocabulary | None = None) -> pa.Table:
    """The table Splink links: one row per person record, the columns of :data:`SCHEMA`."""
    vocab = vocab or learn_vocabulary(rows)
    cache: dict[tuple, NameParts] = {}
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    appenders = [(name, columns[name].append) for name in SCHEMA.names]
    for raw in rows:
        row = linkage_row(raw, vocab, cache)
        for name, append in appenders:
            append(row[name])
    return pa.table(columns, schema=SCHEMA)


def has_identity(row: dict[str, Any]) -> bool:
    """A record that can be linked as a person: a name, an identity number or a birth date."""
    return bool(row["surname1"] or row["given1"] or row["id_number"] or row["birth_date"])
