"""Reading the reconciliation back for the validation table, and validating a month.

Example:
    >>> view = reconciliation_view(ws, year=2020, month=5, department="01")  # doctest: +SKIP
    >>> {r["status"] for r in view["counts"]}  # doctest: +SKIP
    {'preliminar'}
"""

from __future__ import annotations

import csv
from pathlib import Path
from textwrap import dedent
from typing import Any

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.warehouse import Warehouse, open_reader
from ciudadana.warehouse.registers import validate_reconciled
from ciudadana.workspace import Workspace


def _filters(**values: Any) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in values.items():
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" and " + " and ".join(clauses)) if clauses else "", params


def reconciliation_view(
    ws: Workspace,
    *,
    year: int | None = None,
    month: int | None = None,
    department: str | None = None,
    category: str | None = None,
    csv_path: Path | None = None,
) -> dict[str, Any]:
    """The current reconciled counts and worklist, filtered; optionally the worklist as CSV."""
    Warehouse.open(ws.warehouse_path).close()
    where, params = _filters(year=year, month=month, department_code=department, category=category)
    con = open_reader(ws.warehouse_path)
    try:
        (runs,) = con.execute("select count(*) from reconciled_counts").fetchone()
        if not runs:
            raise CiudadanaError(
                _("Aún no hay cifras conciliadas: ejecute `ciudadana link` primero."),
                code="no-reconciliation",
            )
        counts = _all(
            con,
            dedent(
                f"""
                select *
                from current_reconciled_counts
                where true{where}
                order by year, month, department_code, category, sex
                """
            ),
            params,
        )
        worklist = _all(
            con,
            dedent(
                f"""
                select w.*
                from restricted.link_worklist as w
                where w.run_id = (select max(run_id) from reconciled_counts){where}
                order by year, month, department_code, event_id, issue
                """
            ),
            params,
        )
    finally:
        con.close()
    for w in worklist:
        w["sources"] = list(w["sources"])
    if csv_path is not None:
        path = Path(csv_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = ["year", "month", "department_code", "category", "event_id", "issue", "detail"]
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([*columns, "sources"])
            for w in worklist:
                writer.writerow([w[c] for c in columns] + ["|".join(w["sources"])])
    return {"counts": counts, "worklist": worklist, "csv": str(csv_path) if csv_path else None}


def _all(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def validate_month(
    ws: Workspace, year: int, month: int, department: str, *, by: str | None = None
) -> int:
    """Mark ``department`` in ``year``-``month`` as validated; later runs keep the mark."""
    if not 1 <= month <= 12:
        raise CiudadanaError(
            _("Mes {month} no válido: use 1 a 12.").format(month=month), code="invalid-option"
        )
    with Warehouse.open(ws.warehouse_path) as wh:
        return validate_reconciled(wh, year, month, department, by, None)
