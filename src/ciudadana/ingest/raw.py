"""What every reader produces: the table ``_raw`` of text cells, and what was learnt reading it.

``_raw`` has ``__row`` (the row number a person sees when opening the file: header rows
counted) and one VARCHAR column ``c<j>`` per header.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ciudadana.i18n import _
from ciudadana.ingest.sql import format_sql, lit

RAW = "_raw"
SHEET_ROWS = 1_000_000


def row_label_sql(row: str, sheets: list[str]) -> str:
    """SQL text naming a row as a person finds it: ``fila 12`` or ``hoja «2019», fila 12``."""
    if not sheets:
        return format_sql(_("fila {row}"), row=row)
    names = "[" + ", ".join(lit(s) for s in sheets) + "]"
    return format_sql(
        _("hoja «{sheet}», fila {row}"),
        sheet=f"{names}[({row} // {SHEET_ROWS})::integer]",
        row=f"{row} % {SHEET_ROWS}",
    )


@dataclass
class RawTable:
    """The file as read: headers, and the rows that were data, not titles or subtotals."""

    headers: list[str]
    rows_in: int
    skipped: int = 0
    encoding: str | None = None
    title_lines: list[str] = field(default_factory=list)
    rejected_lines: int = 0  # CSV lines the parser could not split (quarantined as malformed)
    sheets: list[str] = field(default_factory=list)  # several sheets: __row = k * SHEET_ROWS + r


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def join_headers(rows: list[list[str | None]]) -> list[str]:
    """Headers of several rows, merged cells spread to the right, joined with " / "."""
    if not rows:
        return []
    width = max(len(r) for r in rows)
    filled = []
    for i, row in enumerate(rows):
        row = list(row) + [None] * (width - len(row))
        if i < len(rows) - 1:  # upper rows: a merged label covers the cells to its right
            last = None
            for j, value in enumerate(row):
                value = value.strip() if isinstance(value, str) else value
                if value:
                    last = value
                else:
                    # a merged group ends where the row below starts a new group above it
                    row[j] = last
                    continue
                row[j] = value
        filled.append(row)
    headers = []
    for j in range(width):
        parts: list[str] = []
        for row in filled:
            value = (row[j] or "").strip() if isinstance(row[j], str) else cell_text(row[j])
            if value and (not parts or parts[-1] != value):
                parts.append(" ".join(value.split()))
        headers.append(" / ".join(parts) if parts else f"columna_{j + 1}")
    seen: dict[str, int] = {}
    for j, name in enumerate(headers):
        if name in seen:
            seen[name] += 1
            headers[j] = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
    return headers
