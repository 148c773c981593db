"""Read a received file into a staging table of text cells, one row per data row.

Every reader produces the same thing: a temporary DuckDB table ``_raw`` with ``__row`` (the row
number a person sees when opening the file: header rows counted) and one VARCHAR column per
header, plus what it learnt (headers, encoding, title lines, rows skipped and why).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ciudadana.errors import UnreadableFile
from ciudadana.ingest import malformed
from ciudadana.ingest.spec import ReaderSpec

RAW = "_raw"
SHEET_ROWS = 1_000_000


def row_label_sql(row: str, sheets: list[str]) -> str:
    """SQL text naming a row as a person finds it: ``fila 12`` or ``hoja «2019», fila 12``."""
    if not sheets:
        return f"'fila ' || {row}"
    names = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in sheets) + "]"
    return (
        f"'hoja «' || {names}[({row} // {SHEET_ROWS})::integer] || '», fila ' || "
        f"({row} % {SHEET_ROWS})"
    )


_PREVIEW_LINES = 50  # data lines read to find how many cells a row has


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


def sniff_format(path: Path, declared: str) -> str:
    """The real format of the file, checked against its first bytes, not its extension."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise UnreadableFile(
            f"{path.name}: el archivo está vacío (0 bytes). Pida a la institución que lo envíe "
            "de nuevo."
        )
    is_zip, is_ole = head.startswith(b"PK\x03\x04"), head.startswith(b"\xd0\xcf\x11\xe0")
    actual = "xlsx" if is_zip else "xls" if is_ole else "csv"
    if declared == "auto":
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("xlsx", "xls", "csv", "txt", "tsv") and {suffix, actual} <= {
            "csv",
            "txt",
            "tsv",
        }:
            return "csv"
        return actual
    if declared != actual:
        raise UnreadableFile(
            f"{path.name}: la especificación dice que es {declared.upper()}, pero el contenido es "
            f"{actual.upper()}. Revise que envió el archivo correcto o cambie reader.format."
        )
    return actual


def detect_encoding(path: Path, declared: str) -> str:
    """Check (or, with ``auto``, find) the text encoding; a wrong one names the first bad line."""
    data = path.read_bytes()
    if (
        b"\x00" in data[:8192]
        and declared != "utf-16"
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise UnreadableFile(
            f"{path.name}: no es un archivo de texto (contiene bytes nulos). ¿Es una hoja de "
            "cálculo o un archivo comprimido con otra extensión?"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if declared in ("latin-1", "cp1252", "utf-16"):
        return declared
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if declared == "utf-8":
            line = data.count(b"\n", 0, exc.start) + 1
            raise UnreadableFile(
                f"{path.name}, línea {line}: el archivo no está en UTF-8 (byte "
                f"0x{data[exc.start]:02x}). Probablemente es Latin-1: declare "
                '"encoding: latin-1" en reader, o "auto".'
            ) from exc
    # Windows-1252 uses 0x80-0x9f for printable signs (’ “ —); Latin-1 has controls there.
    return "cp1252" if re.search(rb"[\x80-\x9f]", data) else "latin-1"


def _cell(value: object) -> str | None:
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
            value = (row[j] or "").strip() if isinstance(row[j], str) else _cell(row[j])
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


def read_file(
    con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec, display_name: str | None = None
) -> RawTable:
    """Read ``path`` into the temporary table ``_raw`` of ``con``.

    ``display_name`` is the file's name as received, used in messages (``path`` may be the copy
    kept in ``raw/``, named by its hash).
    """
    try:
        return _read_file(con, path, reader)
    except UnreadableFile as exc:
        if display_name and display_name != path.name:
            exc.message = exc.message.replace(path.name, display_name)
            exc.args = (exc.message,)
        raise


def _read_file(con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec) -> RawTable:
    fmt = sniff_format(path, reader.format)
    con.execute(f"drop table if exists temp.{RAW}")
    table = _read_csv(con, path, reader) if fmt == "csv" else _read_sheet(con, path, reader, fmt)
    _drop_non_data_rows(con, path, reader, table)
    if fmt == "csv":
        malformed.refuse_if_cut(con, path, RAW, len(table.headers))
    return table


# -- CSV ---------------------------------------------------------------------------------------


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec) -> RawTable:
    encoding = detect_encoding(path, reader.encoding)
    source = path
    duck_encoding = {"utf-8": "utf-8", "latin-1": "latin-1"}.get(encoding)
    if duck_encoding is None:  # cp1252, utf-16: read as UTF-8 after transcoding once
        source = path.with_name(f".{path.name}.utf8.tmp")
        source.write_text(path.read_bytes().decode(encoding, errors="replace"), "utf-8")
        duck_encoding = "utf-8"
    try:
        first = reader.skip_rows + reader.header_rows
        head_lines = _head_lines(source, duck_encoding, first + _PREVIEW_LINES)
        titles = head_lines[: reader.skip_rows]
        header_text = head_lines[reader.skip_rows : reader.skip_rows + reader.header_rows]
        delimiter = reader.delimiter or _sniff_delimiter(
            header_text or head_lines[reader.skip_rows :]
        )
        header_rows = [next(csv.reader([line], delimiter=delimiter)) for line in header_text]
        if reader.header_rows and not header_rows:
            raise UnreadableFile(
                f"{path.name}: el archivo no tiene fila de encabezados (tiene "
                f"{len(head_lines)} líneas). ¿Está truncado o vacío?"
            )
        cut = len(head_lines) == first + _PREVIEW_LINES
        width = _width(header_rows, head_lines[first:], delimiter, cut)
        headers = (join_headers(header_rows) if header_rows else [])[:width]
        headers += [f"columna_{j + 1}" for j in range(len(headers), width)]
        columns = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(width)) + "}"
        con.execute(
            f"""
            create temp table {RAW} as
            select (row_number() over () + ?)::bigint as __row, *
            from read_csv(?, header = false, skip = ?, delim = ?, quote = '"', escape = '"',
                          auto_detect = false, null_padding = false, columns = {columns},
                          encoding = ?, store_rejects = true)
            """,
            [first, str(source), first, delimiter, duck_encoding],
        )
        # Rows with too few or too many cells are quarantined, not padded: a missing cell
        # shifts the rest of the row, so no cell of it can be trusted.
        rejects = malformed.collect_rejects(con, path.name, delimiter, width)
        gaps = [r.row for r in rejects] + malformed.blank_records(source.read_bytes(), first)
        malformed.renumber(con, RAW, first, gaps)
    except duckdb.Error as exc:
        data = source.read_bytes()
        if 0 < data.count(b"\r\n") < data.count(b"\n"):
            raise UnreadableFile(
                f"{path.name}: no se puede leer como CSV: mezcla finales de línea de Windows "
                "(\\r\\n) y de Unix (\\n). Ábralo y guárdelo de nuevo como CSV, o pida a la "
                "institución que lo exporte otra vez."
            ) from exc
        raise UnreadableFile(
            f"{path.name}: no se puede leer como CSV ({str(exc).splitlines()[0]}). Revise el "
            "separador, las comillas y la codificación en reader."
        ) from exc
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    (rows,) = con.execute(f"select count(*) from {RAW}").fetchone()
    return RawTable(headers, int(rows) + len(rejects), 0, encoding, titles, len(rejects))


def _width(header_rows: list[list[str]], preview: list[str], delimiter: str, cut: bool) -> int:
    """Cells per row: the header's, unless most of the first data rows agree on another width.

    Most rows may stop before unnamed header cells at the end (``...,"Diciembre",""``), or go
    past a header that does not name its last columns. A few bad rows change nothing: they are
    malformed and go to quarantine. ``cut``: the preview's last record may be incomplete.
    """
    total = max([len(row) for row in header_rows] or [0])
    named = max([j + 1 for row in header_rows for j, cell in enumerate(row) if cell.strip()] or [0])
    try:
        records = list(csv.reader(io.StringIO("\n".join(preview)), delimiter=delimiter))
    except csv.Error:
        records = []
    widths = [len(r) for r in (records[:-1] if cut else records) if any(c.strip() for c in r)]
    for width in set(widths):
        if widths.count(width) * 2 > len(widths) and (width > total or named <= width < total):
            return width
    return total or max([*widths, 1])


def _head_lines(path: Path, encoding: str, n: int) -> list[str]:
    lines = []
    encoding = "utf-8-sig" if encoding == "utf-8" else encoding  # Excel's "CSV UTF-8" has a BOM
    with path.open("r", encoding=encoding, newline="") as fh:
        for line in fh:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= n:
                break
    return lines


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:5])
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# -- spreadsheets --------------------------------------------------------------------------------


def _read_sheet(
    con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec, fmt: str
) -> RawTable:
    try:
        sheets = _xlsx_rows(path, reader.sheet) if fmt == "xlsx" else _xls_rows(path, reader.sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"{path.name}: la hoja de cálculo está dañada o truncada ({exc}). Pida que la "
            "envíen de nuevo."
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
                f"{path.name}: la hoja «{name}» no tiene los mismos encabezados que la hoja "
                f"«{sheets[0][0]}». Todas las hojas deben tener la misma estructura, o indique "
                "una sola en reader.sheet."
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
                (ws, [[_cell(v) for v in row] for row in wb[ws].iter_rows(values_only=True)])
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
                    row.append(_cell(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(_cell(cell.value if cell.value != "" else None))
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
        f"{path.name}: no hay hoja «{sheet}». Hojas del archivo: {', '.join(names)}. "
        "Corrija reader.sheet."
    )


# -- rows that are not data ------------------------------------------------------------------


def _drop_non_data_rows(
    con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec, table: RawTable
) -> None:
    width = len(table.headers)
    all_blank = " and ".join(f"nullif(trim(c{j}), '') is null" for j in range(width)) or "true"
    conditions = [all_blank]
    params: list[object] = []
    for rule in reader.skip_rows_where:
        j = _column_index(rule.column, table.headers, path)
        conditions.append(f"regexp_matches(coalesce(c{j}, ''), ?)")
        params.append(rule.pattern)
    tables = [RAW] + ([malformed.REJECTS] if table.rejected_lines else [])
    if reader.footer_rows:
        last = " union all ".join(f"select max(__row) as n from {t}" for t in tables)
        conditions.append(f"__row > (select max(n) from ({last})) - ?")
        params.append(reader.footer_rows)
    where = " or ".join(f"({c})" for c in conditions)
    for name in tables:  # a title, subtotal or footer line may also be one DuckDB rejected
        (skipped,) = con.execute(f"select count(*) from {name} where {where}", params).fetchone()
        if skipped:
            con.execute(f"delete from {name} where {where}", params)
            table.skipped += int(skipped)
            table.rows_in -= int(skipped)
            if name != RAW:
                table.rejected_lines -= int(skipped)


def _column_index(column: str | int, headers: list[str], path: Path) -> int:
    if isinstance(column, int):
        return column
    from ciudadana.ingest.columns import match_column

    index = match_column(column, headers)
    if index is None:
        raise UnreadableFile(f"{path.name}: no hay columna «{column}» (reader.skip_rows_where).")
    return index


def text_preview(path: Path, encoding: str, lines: int = 3) -> str:
    """The first lines of a text file, for messages."""
    with open(path, encoding=encoding, errors="replace") as fh:
        return "".join(fh.readline() for _ in range(lines))
