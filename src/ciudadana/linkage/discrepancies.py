"""After a person linkage run: the records of each linked person that disagree, as quality
findings.

The quality diagnosis compares the records of one person only where an exact key (a valid DPI,
a case reference) ties them. The person registry ties many more (names, dates, places): this
module hands its persons of two or more current records to
:func:`ciudadana.quality.linked.compare_linked`, which compares them with the diagnosis's own
rule (``same-person-differs``) and adds what it finds to the scorecard. The person registry
already holds the victims linked across sources of each event (event links are edges of the
person clustering), so the events need no pass of their own.

Example:
    >>> record_discrepancies(open_workspace("demo"))["findings"]  # doctest: +SKIP
    1214
"""

from __future__ import annotations

from collections.abc import Callable
from textwrap import dedent
from typing import Any

from ciudadana.quality.linked import compare_linked
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace


def groups_sql() -> str:
    """The current records of every person of the current registry with two or more."""
    return dedent("""
        with current as (
            select r.load_id, r.row_number, r.role, r.person_id
            from restricted.current_person_registry as r
            semi join current_loads as l using (load_id)
        )
        select load_id, row_number, role, person_id
        from current
        qualify count(*) over (partition by person_id) > 1
        order by person_id, load_id, row_number, role
    """)


def record_discrepancies(
    ws: Workspace, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Compare the records of each person of the latest person linkage run; store the
    findings (rule ``same-person-differs``) and rescore. Empty when no person run exists.

    Returns:
        :class:`ciudadana.quality.linked.LinkedReport` as a dict: ``findings``, ``by_field``,
        ``records`` (rows only the linked pairs compared), ``scored`` (loads rescored).
    """
    con = open_reader(ws.warehouse_path)
    try:
        [(run_id,)] = con.execute(
            "select max(run_id) from restricted.link_runs where kind = 'persons'"
        ).fetchall()
        if run_id is None:
            return {}
        groups = con.sql(groups_sql()).to_arrow_table()
    finally:
        con.close()
    return compare_linked(ws, groups, link_run_id=int(run_id), progress=progress).to_dict()
