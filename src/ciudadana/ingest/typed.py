"""The SQL of one compiled spec: ``_parsed`` in one pass over ``_raw``, then ``_findings``.

The *typed* select does the costly work once per cell: trimming (the cells ``r.t<j>``), parsing,
checking, joining the lookups. ``_parsed`` keeps from it only what the staging views read, and
two flags per row: ``__error`` (an error check holds) and ``__flag`` (any check holds). The
findings are the same checks evaluated again on the flagged rows only, usually a few in a
hundred, so a row is quarantined exactly when it has an error finding.
"""

from __future__ import annotations

from textwrap import indent
from typing import TYPE_CHECKING

import duckdb

from ciudadana.ingest.sql import execute, lit

if TYPE_CHECKING:
    from ciudadana.ingest.compile import Check, Compiled

NO_FINDINGS = """\
select
    null::bigint as __row,
    null::varchar as field,
    null::varchar as col,
    null::varchar as value,
    null::varchar as code,
    null::varchar as severity,
    null::varchar as reason
where false"""


def _lines(items: list[str], depth: int = 1) -> str:
    return indent(",\n".join(items), "    " * depth)


def cells_sql(compiled: Compiled, where: str = "") -> str:
    """The cells the spec reads, trimmed, as ``r.t<j>``: a subquery over ``_raw``."""
    cells = ["__row", *(f"{sql} as t{j}" for j, sql in sorted(compiled.cells.items()))]
    lines = [
        "(",
        "    select",
        _lines(cells, 2),
        "    from _raw",
        *([f"    {where}"] if where else []),
    ]
    return "\n".join([*lines, ") as r"])


def typed_sql(compiled: Compiled, where: str = "") -> str:
    """Every field's text, flags, parsed value and lookup answer, one row per ``_raw`` row."""
    return "\n".join(
        [
            "select",
            _lines(["r.__row", *compiled.typed]),
            f"from {cells_sql(compiled, where)}",
            *compiled.joins,
        ]
    )


def _any(checks: list[Check]) -> str:
    """SQL: whether any of ``checks`` holds (a NULL condition does not)."""
    if not checks:
        return "false"
    return "coalesce(" + "\n    or ".join(f"({c.condition})" for c in checks) + ", false)"


def parsed_sql(compiled: Compiled) -> str:
    """The values to store, with ``__error`` and ``__flag``, from the typed select."""
    errors = [c for c in compiled.checks if c.severity == "error"]
    items = [
        "t.__row",
        *compiled.items,
        f"{_any(errors)} as __error",
        f"{_any(compiled.checks)} as __flag",
    ]
    return "\n".join(
        [
            "create or replace temp table _parsed as",
            "select",
            _lines(items),
            "from (",
            indent(typed_sql(compiled), "    "),
            ") as t",
        ]
    )


def findings_sql(compiled: Compiled) -> str:
    """One row per finding: each check's rows among the flagged ones, in one table."""
    selects = [
        "\n".join(
            [
                "select",
                _lines(
                    [
                        "__row",
                        f"{lit(c.field)} as field",
                        f"{lit(c.column)} as col",
                        f"({c.value})::varchar as value",
                        f"{c.code} as code",
                        f"{lit(c.severity)} as severity",
                        f"{c.reason} as reason",
                    ]
                ),
                "from flagged",
                *([c.join] if c.join else []),
                f"where {c.condition}",
            ]
        )
        for c in compiled.checks
    ]
    if not selects:
        return f"create or replace temp table _findings as\n{NO_FINDINGS}"
    flagged = typed_sql(compiled, "where __row in (select __row from _parsed where __flag)")
    return "\n".join(
        [
            "create or replace temp table _findings as",
            "with flagged as materialized (",
            indent(flagged, "    "),
            ")",
            "\nunion all\n".join(selects),
        ]
    )


def create_tables(con: duckdb.DuckDBPyConnection, compiled: Compiled) -> None:
    """Create ``_parsed``, then ``_findings``."""
    execute(con, parsed_sql(compiled))
    execute(con, findings_sql(compiled))
