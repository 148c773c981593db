"""After a person linkage run: the records of each linked person that disagree, as quality
findings.

The quality diagnosis compares the records of one person only where an exact key (a valid DPI,
a case reference) ties them. The person registry ties many more (names, dates, places): this
module hands its persons of two or more current records to
:func:`ciudadana.quality.linked.compare_linked`, which compares them with the diagnosis's own
rule (``same-person-differs``) and adds what it finds to the scorecard. The person registry
already holds the victims linked across sources of each event (event links are edges of the
person clustering); the event registry adds the aggressors recorded for one event, and its
uncertain pairs the victims without a name (``groups_sql``).

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
    """Records that describe one person, in groups of two or more (current loads only):

    - every person of the current person registry;
    - the aggressors recorded for one event of the event registry (two sources that recorded
      the same victim of the same fact name its aggressor too, even where the person linkage
      could not tie the two writings of the aggressor's name);
    - the two victims of an uncertain event pair (the review band of the latest event run),
      where each is the other's most probable candidate: a victim the police recorded without
      a name is tied to nobody else, and its age or date may be exactly what differs.
    """
    return dedent("""
        with persons as (
            select r.load_id, r.row_number, r.role, r.person_id
            from restricted.current_person_registry as r
            semi join current_loads as l using (load_id)
        ),
        event_aggressors as (
            select p.load_id, p.row_number, p.role, 'A:' || e.event_id as person_id
            from restricted.current_event_registry as e
            join persons as p using (load_id, row_number)
            where p.role = 'aggressor'
        ),
        review as (
            select *
            from restricted.link_pairs
            where kind = 'events' and status = 'review'
              and run_id = (
                  select max(run_id) from restricted.link_runs where kind = 'events'
              )
        ),
        mutual as (
            select l.*
            from review as l
            qualify match_probability = max(match_probability)
                        over (partition by load_id_l, row_number_l)
                and match_probability = max(match_probability)
                        over (partition by load_id_r, row_number_r)
        ),
        review_victims as (
            select load_id_l as load_id, row_number_l as row_number, role_l as role,
                   'R:' || load_id_l || ':' || row_number_l || ':' || load_id_r || ':'
                       || row_number_r as person_id
            from mutual
            union all
            select load_id_r, row_number_r, role_r,
                   'R:' || load_id_l || ':' || row_number_l || ':' || load_id_r || ':'
                       || row_number_r
            from mutual
        ),
        grouped as (
            select * from persons
            union all
            select * from event_aggressors
            union all
            select v.* from review_victims as v semi join current_loads using (load_id)
        )
        select load_id, row_number, role, person_id
        from grouped
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
