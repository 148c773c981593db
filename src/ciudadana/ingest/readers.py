"""Read a received file into a staging table of text cells, one row per data row.

Every reader produces the same thing: a temporary DuckDB table ``_raw`` with ``__row`` (the row
number a person sees when opening the file: header rows counted) and one VARCHAR column per
header, plus what it learnt (headers, encoding, title lines, rows skipped and why). CSV files
are read by ``ingest.csv_reader``, spreadsheets by ``ingest.sheet_reader``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ciudadana.errors import UnreadableFile
from ciudadana.i18n import _
from ciudadana.ingest import malformed
from ciudadana.ingest.csv_reader import detect_encoding, read_csv
from ciudadana.ingest.raw import RAW, SHEET_ROWS, RawTable, join_headers, row_label_sql
from ciudadana.ingest.sheet_reader import read_sheet
from ciudadana.ingest.spec import ReaderSpec
from ciudadana.ingest.sql import execute, trimmed

__all__ = [
    "RAW",
    "SHEET_ROWS",
    "RawTable",
    "detect_encoding",
    "join_headers",
    "read_file",
    "row_label_sql",
    "sniff_format",
    "text_preview",
]


def sniff_format(path: Path, declared: str) -> str:
    """The real format of the file, checked against its first bytes, not its extension."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise UnreadableFile(
            _(
                "{file}: el archivo está vacío (0 bytes). Pida a la institución que lo envíe "
                "de nuevo."
            ).format(file=path.name)
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
            _(
                "{file}: la especificación dice que es {declared}, pero el contenido es "
                "{actual}. Revise que envió el archivo correcto o cambie reader.format."
            ).format(file=path.name, declared=declared.upper(), actual=actual.upper())
        )
    return actual


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
    table = read_csv(con, path, reader) if fmt == "csv" else read_sheet(con, path, reader, fmt)
    _drop_non_data_rows(con, path, reader, table)
    if fmt == "csv":
        malformed.refuse_if_cut(con, path, RAW, len(table.headers))
    return table


# -- rows that are not data ------------------------------------------------------------------


def _drop_non_data_rows(
    con: duckdb.DuckDBPyConnection, path: Path, reader: ReaderSpec, table: RawTable
) -> None:
    width = len(table.headers)
    all_blank = " and ".join(f"({trimmed(f'c{j}')}) is null" for j in range(width)) or "true"
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
        (skipped,) = execute(con, f"delete from {name} where {where}", params).fetchone()
        if skipped:
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
        raise UnreadableFile(
            _("{file}: no hay columna «{column}» (reader.skip_rows_where).").format(
                file=path.name, column=column
            )
        )
    return index


def text_preview(path: Path, encoding: str, lines: int = 3) -> str:
    """The first lines of a text file, for messages."""
    with open(path, encoding=encoding, errors="replace") as fh:
        return "".join(fh.readline() for _line in range(lines))
