"""The row-level findings as a CSV to send back to the institution: file, sheet and row as a
person finds them, the column, the value, the rule and what to do.

This file is made locally, for the institution that sent the data: a finding on a personal
field (a name, an identity number) shows the value as the institution wrote it, read from the
restricted schema. Nothing personal is written anywhere else.

Example:
    >>> write_findings_csv(ws, Path("pnc.csv"), source_id="gtm/pnc-hechos")  # doctest: +SKIP
    1327
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from ciudadana.ingest.readers import row_label_sql
from ciudadana.ingest.sql import lit
from ciudadana.ingest.vocabulary import RESTRICTED_PERSON_FIELDS, ROLES
from ciudadana.quality.rules import rules_for
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace

HEADERS = [
    "carga",
    "fuente",
    "archivo",
    "fila",
    "columna",
    "campo",
    "valor",
    "regla",
    "descripcion",
    "dimension",
    "gravedad",
    "mes",
    "territorio",
    "fila_relacionada",
    "detalle",
]


def _query(
    ws: Workspace, load_ids: list[int] | None, source_id: str | None, personal: bool
) -> pa.Table | None:
    """The findings of the chosen loads (every current one by default) as an Arrow table with
    the CSV's columns, in row order."""
    con = open_reader(ws.warehouse_path)
    try:
        con.execute("set enable_progress_bar = false")
        if not con.execute(
            "select count(*) from information_schema.tables where table_name = 'quality_loads'"
        ).fetchone()[0]:
            return None
        loads = con.execute(
            dedent("""
                select l.load_id, l.spec_name
                from loads as l
                join quality_loads as q using (load_id)
                where (? is null and l.superseded_by is null or l.load_id in (select unnest(?)))
                  and (? is null or l.source_id = ?)
                order by l.load_id
            """),
            [load_ids, load_ids or [], source_id, source_id],
        ).fetchall()
        if not loads:
            return None
        titles: dict[str, str] = {}
        for _, spec_name in loads:
            for rule in rules_for(spec_name, ws.specs_dir).values():
                titles.setdefault(rule.id, rule.title_es)
        names = pa.table(  # noqa: F841 (scanned by DuckDB)
            {"regla": list(titles), "descripcion": list(titles.values())}
        )
        con.register("_q_titles", names)
        sheets = dict(
            con.execute(
                "select load_id, sheets from quality_loads where sheets is not null"
            ).fetchall()
        )
        sql = f"""
            select {", ".join(f"q.{h}" if h != "descripcion" else "t.descripcion" for h in HEADERS)}
            from ({rows_sql(sheets, personal)}) as q
            left join _q_titles as t using (regla)
            order by q.carga, q.sort_row nulls first, q.columna, q.regla
        """
        return con.sql(sql, params=[[lid for lid, _ in loads]]).to_arrow_table()
    finally:
        con.close()


def findings_rows(
    ws: Workspace,
    *,
    load_ids: list[int] | None = None,
    source_id: str | None = None,
    personal: bool = True,
) -> list[dict[str, Any]]:
    """Every stored finding of the chosen loads (all current ones by default), row by row."""
    table = _query(ws, load_ids, source_id, personal)
    return [] if table is None else table.to_pylist()


def label_sql(sheets: dict[int, list[str]], row: str, load: str) -> str:
    """``fila 12`` or ``hoja «2019», fila 12`` for each load, as the ingest words it."""
    whens = " ".join(
        f"when {load} = {lid} then {row_label_sql(row, names)}" for lid, names in sheets.items()
    )
    return f"case when {row} is null then null {whens} else {row_label_sql(row, [])} end"


def rows_sql(sheets: dict[int, list[str]], personal: bool) -> str:
    """The findings with their row labels; personal values joined from the restricted schema
    (only when ``personal``: the institution's own copy)."""
    cases = (
        " ".join(
            f"when {lit(f'{role}.{name}')} then {role[0]}i.{name}::varchar"
            for role in ROLES
            for name in RESTRICTED_PERSON_FIELDS
        )
        + " "
        + " ".join(f"when {lit(n)} then x.{n}::varchar" for n in ("address", "lat", "lon"))
    )
    value = f"coalesce(f.value, case f.field {cases} end)" if personal else "f.value"
    joins = (
        "\n".join(
            f"""left join restricted.person_identity as {role[0]}i
            on {role[0]}i.load_id = f.load_id and {role[0]}i.row_number = f.row_number
           and {role[0]}i.role = {lit(role)}"""
            for role in ROLES
        )
        if personal
        else ""
    )
    place = (
        """left join restricted.event_location as x
            on x.load_id = f.load_id and x.row_number = f.row_number"""
        if personal
        else ""
    )
    related = label_sql(sheets, "f.related_row_number", "f.related_load_id")
    return dedent(f"""
        select f.load_id as carga, l.source_id as fuente, l.file_name as archivo,
               {label_sql(sheets, "f.row_number", "f.load_id")} as fila, f.column_name as columna,
               f.field as campo, {value} as valor, f.rule as regla, f.dimension as dimension,
               f.severity as gravedad, strftime(f.period, '%Y-%m') as mes,
               f.territory_code as territorio,
               case when f.related_row_number is not null then
                   coalesce(r.file_name || ', ', '') || ({related}) end as fila_relacionada,
               f.detail as detalle, f.row_number as sort_row
        from quality_findings as f
        join loads as l using (load_id)
        left join loads as r on r.load_id = f.related_load_id
        {joins}
        {place}
        where f.load_id in (select unnest(?))
    """)


def write_findings_csv(
    ws: Workspace,
    path: Path,
    *,
    load_ids: list[int] | None = None,
    source_id: str | None = None,
    personal: bool = True,
) -> int:
    """Write the findings as CSV that Excel opens correctly (UTF-8 with BOM); returns rows."""
    table = _query(ws, load_ids, source_id, personal)
    if table is None:
        table = pa.table({h: pa.array([], pa.string()) for h in HEADERS})
    with Path(path).open("wb") as fh:
        fh.write("\ufeff".encode())
        pa_csv.write_csv(table, fh)
    return table.num_rows
