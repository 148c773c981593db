"""How well the diagnosis finds faults whose truth is known: the simulator's
``truth/faults.parquet`` (one row per injected fault: file, sheet, row, column, kind).

A fault is *found* when a finding names its cell: the same load, row and column (for a
duplicated row, any finding of the uniqueness dimension on that row). Recall is per kind of
fault; precision is per rule: the share of its row findings that fall on a faulty cell.

Some faults only another record of the same person can show (an age a year off, a date two
days off). A fault is *comparable* when the warehouse holds another record that could show it:
the same true person (``truth/record_map``) in another current row, in any role, with the
faulted attribute filled (an age with a date, for an age; a name, for a name); for a date of
occurrence, the same true victim of the same true event in another current row, with a date.
A copy of the faulted row (a duplicated row keeps its faults) does not count, nor does a
record with a fault of the same kind on the same person (two records both missing the second
given name show nothing).
``recall_comparable`` is the share found among those: what a comparison of records can reach
at all, even with a perfect linkage.

Example:
    >>> scores = score_faults(ws, Path("simulacion/truth"))  # doctest: +SKIP
    >>> scores.recall["cui-typo"]
    1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent
from typing import Any

import pyarrow as pa

from ciudadana.quality.engine import load_info
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace


@dataclass
class FaultScores:
    """Recall per fault kind and precision per rule, with the counts behind them. ``linked``:
    the findings that only the records person linkage ties showed (``link_run_id``)."""

    kinds: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    linked: dict[str, Any] = field(default_factory=dict)
    cells: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> dict[str, float]:
        return {k["kind"]: k["recall"] for k in self.kinds}

    @property
    def precision(self) -> dict[str, float | None]:
        return {r["rule"]: r["precision"] for r in self.rules}


def score_faults(ws: Workspace, truth_dir: Path, *, cells: bool = False) -> FaultScores:
    """Score the stored findings of the workspace against the simulator's injected faults.

    ``cells``: also return each comparable fault (``FaultScores.cells``: kind, load, row,
    column, role, the records that could show it, found or not).
    """
    cell_rows: list[dict[str, Any]] = []
    faults = str(Path(truth_dir) / "faults.parquet")
    con = open_reader(ws.warehouse_path)
    try:
        con.execute("set enable_progress_bar = false")
        first, second = located_sql().split(";")[:2]
        con.execute(first, [faults])
        con.execute(second)
        record_map = Path(truth_dir) / "record_map.parquet"
        reach = (
            dict((k, (a, b)) for k, a, b in con.execute(reach_sql(), [str(record_map)]).fetchall())
            if record_map.exists()
            else {}
        )
        comparable: dict[str, tuple[int, int]] = {}
        if record_map.exists():
            _fault_fields(con, ws)
            con.execute(comparable_sql(), [str(record_map)])
            comparable = {
                k: (int(n), int(f))
                for k, n, f in con.execute(
                    "select kind, count(*), count(*) filter (where found) from _comparable "
                    "group by kind"
                ).fetchall()
            }
            if cells:
                cur = con.execute("select * from _comparable order by all")
                names = [d[0] for d in cur.description]
                cell_rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        kinds = con.execute(kinds_sql()).fetchall()
        rules = con.execute(rules_sql()).fetchall()
        linked = con.execute(rules_sql(linked=True)).fetchall()
    finally:
        con.close()
    out = FaultScores(cells=cell_rows)
    for kind, n, found, refuse, by in kinds:
        can, can_found = comparable.get(kind, (0, 0))
        out.kinds.append(
            {
                "kind": kind,
                "must_refuse": bool(refuse),
                "faults": int(n),
                "found": int(found),
                "recall": round(found / n, 4) if n else None,
                "rules": by or "",
                "other_source": reach.get(kind, (None, None))[0],
                "exact_key": reach.get(kind, (None, None))[1],
                "comparable": can,
                "found_comparable": can_found,
                "recall_comparable": round(can_found / can, 4) if can else None,
            }
        )
    for _, _, n, hits in linked:
        out.linked = {
            "findings": int(n),
            "on_faults": int(hits),
            "precision": round(hits / n, 4) if n else None,
        }
    for rule, dimension, n, hits in rules:
        out.rules.append(
            {
                "rule": rule,
                "dimension": dimension,
                "findings": int(n),
                "on_faults": int(hits),
                "precision": round(hits / n, 4) if n else None,
            }
        )
    return out


def _norm(sql: str) -> str:
    return f"upper(replace({sql}, ' ', ''))"


def located_sql() -> str:
    """``_faults``: each fault with its load and row number as the warehouse writes them;
    ``_cells``: the findings of current loads with their rows."""
    return dedent(f"""
        create or replace temp table _faults as
        select f.*, l.load_id,
               case when q.sheets is not null and f.sheet <> ''
                    then list_position(q.sheets, f.sheet) * 1000000 + f.row
                    else f.row end as row_number
        from read_parquet(?) as f
        join loads as l on l.file_name = f.file and l.superseded_by is null
        left join quality_loads as q using (load_id);

        create or replace temp table _hits as
        select f.kind, f.load_id, f.row_number, f.field, q.rule, q.dimension,
               q.column_name
        from _faults as f
        join quality_findings as q
            on q.load_id = f.load_id and q.row_number = f.row_number
           and (
               f.kind = 'duplicate' and q.dimension = 'uniqueness'
               or f.field <> '' and ends_with({_norm("q.column_name")}, {_norm("f.field")})
           );
    """)


#: The simulator's record map joined to the current loads, each record with its row number
#: as the warehouse counts it (sheet k of a workbook: k * 1,000,000 + row).
RECORD_MAP_CTE = """with rm as (
            select r.*, l.load_id,
                   case when q.sheets is not null and r.sheet <> ''
                        then list_position(q.sheets, r.sheet) * 1000000 + r.row
                        else r.row end as row_number
            from read_parquet(?) as r
            join loads as l on l.file_name = r.file and l.superseded_by is null
            left join quality_loads as q using (load_id)
        ),"""


def _with_record_map(sql: str) -> str:
    return dedent(sql.replace("{record_map}", RECORD_MAP_CTE))


def reach_sql() -> str:
    """Per kind, the share of faults a comparison across sources could see at all: the same
    person is in a row of another export (``other_source``); that row and this one share a
    valid identity number (``exact_key``)."""
    return _with_record_map("""
        {record_map}
        people as (
            select load_id, row_number, unnest([victim_id, aggressor_id]) as person
            from rm
        ),
        valid as (
            select i.load_id, i.row_number, i.id_number
            from restricted.person_identity as i
            join persons as p using (load_id, row_number, role)
            where p.id_number_status = 'valid'
        ),
        judged as (
            select f.kind,
                   exists (
                       select 1 from people as a join people as b using (person)
                       where a.person > 0 and a.load_id = f.load_id
                         and a.row_number = f.row_number and b.load_id <> f.load_id
                   ) as other_source,
                   exists (
                       select 1 from valid as a join valid as b using (id_number)
                       where a.load_id = f.load_id and a.row_number = f.row_number
                         and b.load_id <> f.load_id
                   ) as exact_key
            from _faults as f
        )
        select kind, round(avg(other_source::integer), 4), round(avg(exact_key::integer), 4)
        from judged
        group by kind
    """)


def kinds_sql() -> str:
    return dedent("""
        with found as (
            select f.kind, f.load_id, f.row_number, f.field, f.must_refuse,
                   exists (
                       select 1 from _hits as h
                       where h.kind = f.kind and h.load_id = f.load_id
                         and h.row_number = f.row_number and h.field = f.field
                   ) as hit
            from _faults as f
        ),
        by_rule as (
            select kind, rule, count(*) as n
            from (select distinct kind, load_id, row_number, field, rule from _hits)
            group by all
        ),
        top as (
            select kind, string_agg(rule || ' ' || n, ', ' order by n desc) as rules
            from by_rule
            group by kind
        )
        select kind, count(*), count(*) filter (where hit), bool_or(must_refuse), any_value(t.rules)
        from found
        left join top as t using (kind)
        group by kind
        order by kind
    """)


def _fault_fields(con: Any, ws: Workspace) -> None:
    """``_fault_fields``: each fault's canonical field (``victim.age``, ``date_occurrence``),
    from the column labels of its load's spec."""
    labels = [
        {"load_id": load_id, "field": name, "column_name": column}
        for (load_id,) in con.execute("select distinct load_id from _faults").fetchall()
        for name, column in _mapped(con, ws, load_id).items()
    ]
    table = pa.Table.from_pylist(  # noqa: F841 (scanned by DuckDB)
        labels,
        schema=pa.schema(
            [("load_id", pa.int32()), ("field", pa.string()), ("column_name", pa.string())]
        ),
    )
    con.register("_e_labels", table)
    con.execute(
        dedent(f"""
            create or replace temp table _fault_fields as
            select f.kind, f.load_id, f.row_number, f.field as column_field, m.field
            from _faults as f
            join _e_labels as m
                on m.load_id = f.load_id
               and f.field <> ''
               and ends_with({_norm("m.column_name")}, {_norm("f.field")})
            qualify row_number() over (
                partition by f.kind, f.load_id, f.row_number, f.field
                order by length(m.column_name), m.field
            ) = 1
        """)
    )
    con.unregister("_e_labels")


def _mapped(con: Any, ws: Workspace, load_id: int) -> dict[str, str]:
    cur = con.execute("select * from loads where load_id = ?", [load_id])
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchall()[0], strict=True))
    return load_info(row, ws).mapped_fields()


def comparable_sql() -> str:
    """``_comparable``: each fault another current record could show (see the module), with
    those records (``witnesses``) and whether a finding names it. Parameter:
    ``record_map.parquet``."""
    return _with_record_map("""
        create or replace temp table _comparable as
        {record_map}
        records as (
            select rm.load_id, rm.row_number, x.role, x.person, rm.event_id, rm.file, rm.sheet,
                   rm.row, rm.duplicate_of_row,
                   p.age is not null and coalesce(e.date_occurrence, e.reference_date)
                       is not null as has_age,
                   coalesce(i.full_name, i.given_names, i.surnames, i.first_surname)
                       is not null as has_name,
                   e.date_occurrence is not null as has_date
            from rm
            cross join lateral (
                values ('victim', rm.victim_id), ('aggressor', rm.aggressor_id)
            ) as x(role, person)
            join persons as p
                on p.load_id = rm.load_id and p.row_number = rm.row_number and p.role = x.role
            join events as e on e.load_id = rm.load_id and e.row_number = rm.row_number
            left join restricted.person_identity as i
                on i.load_id = rm.load_id and i.row_number = rm.row_number and i.role = x.role
            where x.person > 0
        ),
        targets as (
            select distinct f.kind, f.load_id, f.row_number, f.column_field, f.field,
                   coalesce(nullif(split_part(f.field, '.', 1), f.field), 'victim') as role,
                   split_part(f.field, '.', -1) as attribute
            from _fault_fields as f
        ),
        witnessed as (
            select t.kind, t.load_id, t.row_number, t.column_field, t.role,
                   list({
                       'load_id': other.load_id, 'row_number': other.row_number,
                       'role': other.role
                   }) as witnesses
            from targets as t
            join records as me
                on me.load_id = t.load_id and me.row_number = t.row_number and me.role = t.role
            join records as other
                on other.person = me.person
               and (other.load_id, other.row_number) <> (me.load_id, me.row_number)
            where not (
                    other.file = me.file and other.sheet = me.sheet
                    and (other.duplicate_of_row = me.row
                         or me.duplicate_of_row = other.row
                         or me.duplicate_of_row > 0
                            and other.duplicate_of_row = me.duplicate_of_row)
                )
              and not exists (
                    select 1 from targets as same
                    where same.kind = t.kind and same.load_id = other.load_id
                      and same.row_number = other.row_number and same.role = other.role
                )
              and case
                    when t.attribute = 'age' then other.has_age
                    when t.attribute = 'date_occurrence'
                        then other.has_date and other.event_id = me.event_id
                         and other.role = me.role
                    when t.attribute = 'sex' then true
                    else other.has_name
                end
            group by all
        )
        select w.*,
               exists (
                   select 1 from _hits as h
                   where h.kind = w.kind and h.load_id = w.load_id
                     and h.row_number = w.row_number and h.field = w.column_field
               ) as found
        from witnessed as w
    """)


def rules_sql(linked: bool = False) -> str:
    """Precision per rule; ``linked``: of the findings only linked records showed, together."""
    group = "'(linked)'" if linked else "q.rule"
    return dedent(f"""
        select {group}, any_value(q.dimension), count(*) as n,
               count(*) filter (where exists (
                   select 1 from _faults as f
                   where f.load_id = q.load_id and f.row_number = q.row_number
                     and (f.kind = 'duplicate' and q.dimension = 'uniqueness'
                          or f.field <> ''
                             and ends_with({_norm("q.column_name")}, {_norm("f.field")})
                          or q.column_name is null and f.field <> '')
               )) as hits
        from quality_findings as q
        join loads as l using (load_id)
        where q.row_number is not null
          and l.file_name in (select distinct file from _faults)
          and ({"q.link_run_id is not null" if linked else "true"})
        group by all
        order by n desc
    """)
