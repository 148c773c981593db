"""Quoting helpers: the one place that turns names and constants into SQL text, and runs it."""

from __future__ import annotations

import logging
import string
from collections.abc import Sequence
from typing import Any

import duckdb

log = logging.getLogger("ciudadana.sql")


def ident(name: str) -> str:
    """A quoted identifier: ``ident('f:victim.sex')`` -> ``"f:victim.sex"``."""
    return '"' + name.replace('"', '""') + '"'


def col(prefix: str, name: str) -> str:
    """The quoted column of ``prefix`` for field ``name``: ``col("v", "age")`` -> ``"v:age"``."""
    return ident(f"{prefix}:{name}")


def lit(value: str | None) -> str:
    """A quoted string constant (``NULL`` for None)."""
    if value is None:
        return "null"
    return "'" + str(value).replace("'", "''") + "'"


def format_sql(template: str, **values: str) -> str:
    """SQL text that reads as ``template`` with each ``{name}`` the SQL expression ``values``
    gives it: a message translated in Python (``_()``), filled in by the database row by row.

    Example:
        >>> format_sql("fila {row}: vacía", row="__row")
        "'fila ' || (__row) || ': vacía'"
    """
    parts = []
    for text, name, _spec, _conversion in string.Formatter().parse(template):
        if text:
            parts.append(lit(text))
        if name is not None:
            parts.append(f"({values[name]})")
    if not parts or not parts[0].startswith("'"):  # text first: || never sees two numbers
        parts.insert(0, "''")
    return " || ".join(parts)


def lit_list(values: list[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]::varchar[]"


def trimmed(expr: str) -> str:
    """SQL of ``nullif(trim(expr), '')``: the text without surrounding spaces, NULL when blank.

    ``trim`` removes only Unicode space separators, so a cell that is all ASCII (as many bytes
    as characters) and neither starts nor ends with a space is already trimmed. Most cells are,
    and skipping ``trim`` for them halves the cost of reading a large file.
    """
    return (
        f"case when starts_with({expr}, ' ') or ends_with({expr}, ' ') "
        f"or strlen({expr}) <> length({expr}) then nullif(trim({expr}), '') "
        f"else nullif({expr}, '') end"
    )


def execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run one statement on ``con``, logging it at DEBUG as the warehouse does (``--debug``)."""
    log.debug("%s\n-- params: %s", sql.strip(), params)
    return con.execute(sql, params) if params is not None else con.execute(sql)
