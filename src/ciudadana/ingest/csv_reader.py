"""CSV and other delimited text: check the encoding, find the delimiter and the width, then let
DuckDB read the data rows in bulk into ``_raw``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from ciudadana.errors import UnreadableFile
from ciudadana.i18n import _
from ciudadana.ingest import malformed
from ciudadana.ingest.raw import RAW, RawTable, join_headers
from ciudadana.ingest.spec import ReaderSpec
from ciudadana.ingest.sql import execute

_PREVIEW_LINES = 50  # data lines read to find how many cells a row has


def detect_encoding(path: Path, declared: str) -> str:
    """Check (or, with ``auto``, find) the text encoding; a wrong one names the first bad line.

    A declared single-byte encoding (or UTF-16) is checked on the first block only: any byte is
    valid Latin-1. UTF-8, declared or found, is checked on the whole file.
    """
    with path.open("rb") as fh:
        head = fh.read(8192)
    if b"\x00" in head and declared != "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(
            _(
                "{file}: no es un archivo de texto (contiene bytes nulos). ¿Es una hoja de "
                "cálculo o un archivo comprimido con otra extensión?"
            ).format(file=path.name)
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if declared in ("latin-1", "cp1252", "utf-16"):
        return declared
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if declared == "utf-8":
            line = data.count(b"\n", 0, exc.start) + 1
            raise UnreadableFile(
                _(
                    "{file}, línea {line}: el archivo no está en UTF-8 (byte {byte}). "
                    'Probablemente es Latin-1: declare "encoding: latin-1" en reader, o "auto".'
                ).format(file=path.name, line=line, byte=f"0x{data[exc.start]:02x}")
            ) from exc
    # Windows-1252 uses 0x80-0x9f for printable signs (’ “ —); Latin-1 has controls there.
    return "cp1252" if re.search(rb"[\x80-\x9f]", data) else "latin-1"


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec) -> RawTable:
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
                _(
                    "{file}: el archivo no tiene fila de encabezados (tiene {lines} líneas). "
                    "¿Está truncado o vacío?"
                ).format(file=path.name, lines=len(head_lines))
            )
        cut = len(head_lines) == first + _PREVIEW_LINES
        width = _width(header_rows, head_lines[first:], delimiter, cut)
        headers = (join_headers(header_rows) if header_rows else [])[:width]
        headers += [f"columna_{j + 1}" for j in range(len(headers), width)]
        columns = "{" + ", ".join(f"'c{j}': 'VARCHAR'" for j in range(width)) + "}"
        _read_rows(con, source, first, delimiter, columns, duck_encoding)
        # Rows with too few or too many cells are quarantined, not padded: a missing cell
        # shifts the rest of the row, so no cell of it can be trusted.
        rejects = malformed.collect_rejects(con, path.name, delimiter, width)
        gaps = [r.row for r in rejects] + malformed.blank_records(source, first)
        malformed.renumber(con, RAW, first, gaps)
    except duckdb.Error as exc:
        data = source.read_bytes()
        if 0 < data.count(b"\r\n") < data.count(b"\n"):
            raise UnreadableFile(
                _(
                    "{file}: no se puede leer como CSV: mezcla finales de línea de Windows "
                    "(\\r\\n) y de Unix (\\n). Ábralo y guárdelo de nuevo como CSV, o pida a "
                    "la institución que lo exporte otra vez."
                ).format(file=path.name)
            ) from exc
        raise UnreadableFile(
            _(
                "{file}: no se puede leer como CSV ({problem}). Revise el separador, las "
                "comillas y la codificación en reader."
            ).format(file=path.name, problem=str(exc).splitlines()[0])
        ) from exc
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    (rows,) = con.execute(f"select count(*) from {RAW}").fetchone()
    return RawTable(headers, int(rows) + len(rejects), 0, encoding, titles, len(rejects))


def _read_rows(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    first: int,
    delimiter: str,
    columns: str,
    encoding: str,
) -> None:
    """The data rows into ``_raw``, numbered in file order from ``first + 1``.

    DuckDB reads the file in parallel and keeps the rows in file order (``rowid``), as long as
    ``preserve_insertion_order`` is on (the default); ``row_number() over ()`` would number
    them just as well, but on one thread.
    """
    read = f"""
        from read_csv(?, header = false, skip = ?, delim = ?, quote = '"', escape = '"',
                      auto_detect = false, null_padding = false, columns = {columns},
                      encoding = ?, store_rejects = true)"""
    params = [str(source), first, delimiter, encoding]
    (in_order,) = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    if not in_order:
        execute(
            con,
            f"create temp table {RAW} as select (row_number() over () + ?)::bigint as __row, *"
            + read,
            [first, *params],
        )
        return
    execute(con, f"create temp table {RAW} as select null::bigint as __row, *" + read, params)
    execute(con, f"update {RAW} set __row = rowid + ?", [first + 1])


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
