"""Spreadsheets (xlsx, xls): one sheet, or several with the same headers, into ``_raw``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa

from ciudadana.errors import UnreadableFile
from ciudadana.i18n import _
from ciudadana.ingest.raw import RAW, SHEET_ROWS, RawTable, cell_text, join_headers
from ciudadana.ingest.spec import ReaderSpec


def read_sheet(
    con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec, fmt: str
) -> RawTable:
    try:
        sheets = _xlsx_rows(path, reader.sheet) if fmt == "xlsx" else _xls_rows(path, reader.sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            _(
                "{file}: la hoja de cálculo está dañada o truncada ({problem}). Pida que la "
                "envíen de nuevo."
            ).format(file=path.name, problem=exc)
        ) from exc
    top, first = reader.skip_rows, reader.skip_rows + reader.header_rows
    headers: list[str] | None = None
    titles: list[str] = []
    numbers: list[int] = []
    data: list[list[str | None]] = []
    for k, (name, rows) in enumerate(sheets):
        width = max([len(r) for r in rows[top:]] or [0])
        found = join_headers(rows[top:first]) if reader.header_rows else []
        found += [f"columna_{j + 1}" for j in range(len(found), width)]
        if headers is None:
            headers = found
            titles = [" ".join(str(c) for c in r if c) for r in rows[:top]]
        elif found[: len(headers)] != headers:
            raise UnreadableFile(
                _(
                    "{file}: la hoja «{sheet}» no tiene los mismos encabezados que la hoja "
                    "«{first}». Todas las hojas deben tener la misma estructura, o indique una "
                    "sola en reader.sheet."
                ).format(file=path.name, sheet=name, first=sheets[0][0])
            )
        # One sheet: the row as Excel shows it. Several: sheet k's row r is k * 1,000,000 + r.
        offset = (k + 1) * SHEET_ROWS if len(sheets) > 1 else 0
        numbers += range(offset + first + 1, offset + first + 1 + len(rows[first:]))
        data += rows[first:]
    headers = headers or []
    arrays = {"__row": pa.array(numbers, pa.int64())}
    for j in range(len(headers)):
        arrays[f"c{j}"] = pa.array([r[j] if j < len(r) else None for r in data], pa.string())
    arrow = pa.table(arrays)  # noqa: F841  (scanned by DuckDB below)
    con.execute(f"create temp table {RAW} as select * from arrow")
    sheet_names = [name for name, _ in sheets] if len(sheets) > 1 else []
    return RawTable(headers, len(data), 0, None, titles, sheets=sheet_names)


Sheet = tuple[str, list[list[str | None]]]


def _xlsx_rows(path: Path, sheet: str | int | None) -> list[Sheet]:
    import openpyxl

    # A file object, not the path: openpyxl refuses names not ending in .xlsx, and the content
    # decides the format (a workbook sent as "datos.csv" is still a workbook).
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            return [
                (ws, [[cell_text(v) for v in row] for row in wb[ws].iter_rows(values_only=True)])
                for ws in _pick_sheets(wb.sheetnames, sheet, path)
            ]
        finally:
            wb.close()


def _xls_rows(path: Path, sheet: str | int | None) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=False)
    found = []
    for name in _pick_sheets(book.sheet_names(), sheet, path):
        ws = book.sheet_by_name(name)
        rows = []
        for r in range(ws.nrows):
            row = []
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(cell_text(cell.value if cell.value != "" else None))
            rows.append(row)
        found.append((name, rows))
    return found


def _pick_sheets(names: list[str], sheet: str | int | None, path: Path) -> list[str]:
    """The sheets to read: the first by default, one by name or position, or all with "*"."""
    if sheet is None:
        return names[:1]
    if sheet == "*":
        return names
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return [names[sheet]]
    elif sheet in names:
        return [sheet]
    raise UnreadableFile(
        _(
            "{file}: no hay hoja «{sheet}». Hojas del archivo: {sheets}. Corrija reader.sheet."
        ).format(file=path.name, sheet=sheet, sheets=", ".join(names))
    )
