"""How well the diagnosis finds faults whose truth is known: the simulator's
``truth/faults.parquet`` (one row per injected fault: file, sheet, row, column, kind).

A fault is *found* when a finding names its cell: the same load, row and column (for a
duplicated row, any finding of the uniqueness dimension on that row). Recall is per kind of
fault; precision is per rule: the share of its row findings that fall on a faulty cell.

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

from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace


@dataclass
class FaultScores:
    """Recall per fault kind and precision per rule, with the counts behind them."""

    kinds: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> dict[str, float]:
        return {k["kind"]: k["recall"] for k in self.kinds}

    @property
    def precision(self) -> dict[str, float | None]:
        return {r["rule"]: r["precision"] for r in self.rules}


def score_faults(ws: Workspace, truth_dir: Path) -> FaultScores:
    """Score the stored findings of the workspace against the simulator's injected faults."""
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
        kinds = con.execute(kinds_sql()).fetchall()
        rules = con.execute(rules_sql()).fetchall()
    finally:
        con.close()
    out = FaultScores()
    for kind, n, found, refuse, by in kinds:
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
            }
        )
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


def reach_sql() -> str:
    """Per kind, the share of faults a comparison across sources could see at all: the same
    person is in a row of another export (``other_source``); that row and this one share a
    valid identity number (``exact_key``)."""
    return dedent("""
        with rm as (
            select r.*, l.load_id,
                   case when q.sheets is not null and r.sheet <> ''
                        then list_position(q.sheets, r.sheet) * 1000000 + r.row
                        else r.row end as row_number
            from read_parquet(?) as r
            join loads as l on l.file_name = r.file and l.superseded_by is null
            left join quality_loads as q using (load_id)
        ),
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


def rules_sql() -> str:
    return dedent(f"""
        select q.rule, any_value(q.dimension), count(*) as n,
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
        group by q.rule
        order by n desc
    """)
