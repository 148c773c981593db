"""Read the lineage back: the history of loads and what quarantine holds, to send back."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace


def list_loads(ws: Workspace) -> list[dict[str, Any]]:
    """Every load, oldest first, with its counts and whether a re-delivery superseded it."""
    con = open_reader(ws.warehouse_path)
    try:
        cur = con.execute(
            """
            select load_id, source_id, file_name, file_sha256, counting_unit, rows_in,
                   rows_loaded, rows_quarantined, rows_skipped, period_start, period_end,
                   superseded_by, finished_at
            from loads
            order by load_id
            """
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def quarantine_rows(
    ws: Workspace, *, load_id: int | None = None, source_id: str | None = None
) -> list[dict[str, Any]]:
    """Every refused row with its findings: file, row, field, value, code and message."""
    con = open_reader(ws.warehouse_path)
    try:
        cur = con.execute(
            """
            select l.load_id, l.source_id, l.file_name, f.row_number, f.column_name, f.value,
                   f.code, f.message, q.raw
            from findings as f
            join loads as l using (load_id)
            left join restricted.quarantine as q
                on q.load_id = f.load_id and q.row_number = f.row_number
            where f.severity = 'error'
              and (? is null or l.load_id = ?)
              and (? is null or l.source_id = ?)
            order by l.load_id, f.row_number, f.column_name
            """,
            [load_id, load_id, source_id, source_id],
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    for row in rows:
        row["raw"] = json.loads(row["raw"]) if isinstance(row["raw"], str) else row["raw"]
    return rows


def write_quarantine_csv(rows: list[dict[str, Any]], path: Path) -> int:
    """Write refused rows as CSV that Excel opens correctly (UTF-8 with BOM, Spanish headers)."""
    headers = ["carga", "fuente", "archivo", "fila", "campo", "valor", "motivo", "mensaje"]
    raw_columns: list[str] = []
    for row in rows:
        for key in row["raw"] or {}:
            if key not in raw_columns:
                raw_columns.append(key)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers + [f"original:{c}" for c in raw_columns])
        for r in rows:
            raw = r["raw"] or {}
            writer.writerow(
                [
                    r["load_id"],
                    r["source_id"],
                    r["file_name"],
                    r["row_number"],
                    r["column_name"],
                    r["value"],
                    r["code"],
                    r["message"],
                ]
                + [raw.get(c) for c in raw_columns]
            )
    return len(rows)
