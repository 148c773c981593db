"""CSV lines the parser cannot split into the header's columns: rows too, never lost.

DuckDB reads the data rows in bulk and sets aside (``store_rejects``) the lines with too few or
too many cells or a broken quote. Those lines go to quarantine as ``malformed-row`` with their
row number. Two things need care:

* numbering: DuckDB numbers a rejected line as a person sees the file (blank lines counted), but
  returns the good rows without the blank and rejected lines, so the good rows are renumbered
  around those gaps;
* a file cut short (a quote left open, or a last row incomplete with no line end) is refused
  whole: loading the part that arrived would pass for a complete delivery.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ciudadana.errors import UnreadableFile
from ciudadana.i18n import _

REJECTS = "_rejects"
_BLANK_LINE = re.compile(rb"\n\r?\n")


@dataclass(frozen=True)
class Rejected:
    """One line DuckDB could not split: its row number, text, cells and why."""

    row: int
    line: str
    cells: list[str]
    reason: str


def collect_rejects(
    con: duckdb.DuckDBPyConnection, file_name: str, delimiter: str, width: int
) -> list[Rejected]:
    """Turn ``reject_errors`` into the temp table ``_rejects`` (one row per rejected line).

    Raises:
        UnreadableFile: a quote opens and never closes: the rows after it cannot be told apart.
    """
    found = con.execute(
        """
        select line::bigint, any_value(csv_line), list(distinct error_type)
        from reject_errors
        group by line
        order by line
        """
    ).fetchall()
    rejected = []
    for row, text, kinds in found:
        text = (text or "").strip("\r\n")  # DuckDB may keep the blank lines before it
        quoting = text.startswith('"') or f'{delimiter}"' in text
        if quoting and text.count('"') % 2 == 1:
            raise UnreadableFile(
                _(
                    '{file}, fila {row}: una comilla (") se abre y no se cierra, así que las '
                    "filas siguientes no se pueden separar. El archivo parece truncado o la fila "
                    "tiene una comilla de más: pida el archivo completo o corrija esa fila. No se "
                    "guardó nada."
                ).format(file=file_name, row=row)
            )
        try:
            cells = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        except csv.Error:
            cells = [text]
        if "UNQUOTED VALUE" in (kinds or []):
            reason = _("tiene texto pegado a una celda entre comillas")
        else:
            reason = _("tiene {cells} celdas y el encabezado {width}").format(
                cells=len(cells), width=width
            )
        rejected.append(Rejected(int(row), text, cells, reason))
    cell_columns = "".join(f", unnest(?::varchar[]) as c{j}" for j in range(width))
    con.execute(
        f"""
        create or replace temp table {REJECTS} as
        select
            unnest(?::bigint[]) as __row,
            unnest(?::varchar[]) as line,
            unnest(?::varchar[]) as reason,
            unnest(?::bigint[]) as __cells{cell_columns}
        """,
        [
            [r.row for r in rejected],
            [r.line for r in rejected],
            [r.reason for r in rejected],
            [len(r.cells) for r in rejected],
            *([r.cells[j] if j < len(r.cells) else None for r in rejected] for j in range(width)),
        ],
    )
    return rejected


def blank_records(path: Path, first: int) -> list[int]:
    """Row numbers (as DuckDB counts them) of blank lines after the header; quotes respected.

    The file is searched in place (``mmap``, one pass): most files have no blank line, and are
    not read again into memory to find that out.
    """
    if path.stat().st_size == 0:
        return []
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
        if _BLANK_LINE.search(view) is None:
            return []
        data = view[:]
    blanks, record, quoted = [], 0, False
    for line in data.split(b"\n"):
        if not quoted:
            record += 1
            if record > first and not line.strip(b"\r"):
                blanks.append(record)
        if line.count(b'"') % 2:
            quoted = not quoted
    return blanks


def renumber(con: duckdb.DuckDBPyConnection, table: str, first: int, gaps: list[int]) -> None:
    """Give the good rows of ``table`` the numbers they have in the file, around ``gaps``.

    The k-th good row is the k-th row number after ``first`` that is not a gap.
    """
    gaps = sorted({g for g in gaps if g > first})
    if not gaps:
        return
    # Before the i-th gap (1-based) come gap - first - i good rows.
    before = [g - first - i for i, g in enumerate(gaps, 1)]
    con.execute(
        f"""
        create or replace temp table {table} as
        select r.__row + coalesce(g.passed, 0) as __row, r.* exclude (__row)
        from {table} as r
        asof left join (
            select before, max(passed) as passed
            from (select unnest(?::bigint[]) as before, unnest(?::bigint[]) as passed)
            group by before
        ) as g
            on r.__row - {int(first)} > g.before
        order by __row
        """,
        [before, list(range(1, len(gaps) + 1))],
    )


def refuse_if_cut(con: duckdb.DuckDBPyConnection, path: Path, raw_table: str, width: int) -> None:
    """Refuse a file whose last row is incomplete and has no line end: it was cut short."""
    with path.open("rb") as fh:
        fh.seek(-1, 2)
        if fh.read(1) in (b"\n", b"\r"):
            return
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [REJECTS]
    ).fetchone()[0]
    if not exists:
        return
    last = con.execute(
        f"""
        select __row, __cells
        from {REJECTS}
        where __row > (select coalesce(max(__row), 0) from {raw_table})
        order by __row desc
        limit 1
        """
    ).fetchone()
    if last is not None and last[1] < width:
        raise UnreadableFile(
            _(
                "{file}, fila {row}: la última fila está incompleta ({cells} de {width} celdas) "
                "y el archivo no termina en un salto de línea: parece truncado. Pida el archivo "
                "completo a la institución. No se guardó nada."
            ).format(file=path.name, row=last[0], cells=last[1], width=width)
        )
