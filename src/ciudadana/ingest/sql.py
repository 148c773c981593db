"""Quoting helpers: the one place that turns names and constants into SQL text."""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier: ``ident('f:victim.sex')`` -> ``"f:victim.sex"``."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A quoted string constant (``NULL`` for None)."""
    if value is None:
        return "null"
    return "'" + str(value).replace("'", "''") + "'"


def lit_list(values: list[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]::varchar[]"
