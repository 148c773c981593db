"""The files of a release: CSV for spreadsheets, Parquet, SDMX-CSV, GeoJSON and the database.

Every writer is deterministic: the same rows give the same bytes (sorted input, no clock, no
random names), so two releases of the same warehouse are byte-identical and a checksum says
whether anything changed.

Example:
    >>> sdmx_freq("2019"), sdmx_freq("2019-Q1"), sdmx_freq("2019-03")
    ('A', 'Q', 'M')
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ciudadana.publish.codes import SDMX_SEX, sdmx_age
from ciudadana.publish.layout import CSV_HEADERS, OBSERVATION_COLUMNS

Row = dict[str, Any]

PARQUET_TYPES: dict[str, pa.DataType] = {
    "year": pa.int32(),
    "numerator": pa.int64(),
    "denominator": pa.float64(),
    "value": pa.float64(),
    "lower": pa.float64(),
    "upper": pa.float64(),
    "unstable": pa.bool_(),
    "value_asr": pa.float64(),
    "lower_asr": pa.float64(),
    "upper_asr": pa.float64(),
}

SDMX_COLUMNS = (
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "FREQ",
    "REF_AREA",
    "SERIES",
    "SEX",
    "AGE",
    "PUEBLO",
    "RELATIONSHIP",
    "WEAPON",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "OBS_STATUS",
    "CONF_STATUS",
    "SOURCE_DETAIL",
)
SDMX_DATAFLOW = "CIUDADANA:DF_SEGURIDAD_CIUDADANA(1.0)"


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 6)).removesuffix(".0") if value == int(value) else repr(value)
    return str(value)


def csv_text(rows: Iterable[Row], columns: Sequence[str], headers: dict[str, str]) -> str:
    """CSV text (comma, ``\\r\\n``, quoted only where needed) with the given header names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([headers.get(c, c) for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def write_csv(path: Path, rows: Iterable[Row], columns: Sequence[str], lang: str = "es") -> Path:
    """UTF-8 with a byte-order mark, so that Excel opens accents right; headers in ``lang``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = CSV_HEADERS.get(lang, {})
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(rows, columns, headers).encode("utf-8"))
    return path


def write_parquet(path: Path, rows: list[Row], notes: str) -> Path:
    """Parquet (zstd) with the release's columns and fixed types; notes in the metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([(c, PARQUET_TYPES.get(c, pa.string())) for c in OBSERVATION_COLUMNS])
    table = pa.Table.from_pylist(
        [{c: r.get(c) for c in OBSERVATION_COLUMNS} for r in rows], schema=schema
    )
    table = table.replace_schema_metadata({b"ciudadana.notes": notes.encode("utf-8")})
    pq.write_table(table, path, compression="zstd")
    return path


def sdmx_freq(period: str) -> str:
    """SDMX frequency of a time period: A (year), Q (quarter), M (month)."""
    if "-Q" in period:
        return "Q"
    return "M" if len(period) == 7 and period[4] == "-" and period[5:].isdigit() else "A"


def sdmx_rows(rows: Iterable[Row], units: dict[str, str]) -> list[Row]:
    """Release rows as SDMX-CSV 2.0 rows of the dataflow ``SDMX_DATAFLOW``."""
    out = []
    for r in rows:
        if r["time_period"].endswith("-U"):
            continue  # a period that is not known has no SDMX time
        out.append(
            {
                "STRUCTURE": "dataflow",
                "STRUCTURE_ID": SDMX_DATAFLOW,
                "ACTION": "I",
                "FREQ": sdmx_freq(r["time_period"]),
                "REF_AREA": r["territory"],
                "SERIES": r["indicator"],
                "SEX": SDMX_SEX.get(r["sex"], r["sex"]),
                "AGE": sdmx_age(r["age"]),
                "PUEBLO": "_T" if r["pueblo"] == "total" else r["pueblo"].upper(),
                "RELATIONSHIP": "_T" if r["relationship"] == "total" else r["relationship"].upper(),
                "WEAPON": "_T" if r["weapon"] == "total" else r["weapon"].upper(),
                "TIME_PERIOD": r["time_period"],
                "OBS_VALUE": r["value"],
                "UNIT_MEASURE": units[r["indicator"]],
                "LOWER_BOUND": r["lower"],
                "UPPER_BOUND": r["upper"],
                "OBS_STATUS": "A" if r["conf_status"] == "F" else "M",
                "CONF_STATUS": r["conf_status"],
                "SOURCE_DETAIL": r["source"],
            }
        )
    return out


def write_sdmx_csv(path: Path, rows: Iterable[Row], units: dict[str, str]) -> Path:
    """SDMX-CSV 2.0 (UTF-8, no BOM: for machines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = csv_text(sdmx_rows(rows, units), SDMX_COLUMNS, {})
    path.write_bytes(text.encode("utf-8"))
    return path


def write_json(path: Path, data: Any) -> Path:
    """JSON with sorted keys and a final newline (deterministic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_bytes(text.encode("utf-8") + b"\n")
    return path


def write_database(path: Path, tables: dict[str, list[Row]]) -> Path:
    """The release database (SQLite, schema ``release_schema.sql``), rows inserted in order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    schema = resources.files("ciudadana.publish").joinpath("release_schema.sql").read_text("utf-8")
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("pragma journal_mode = off")
        con.execute("pragma synchronous = off")
        con.executescript(schema)
        con.execute("begin")
        for table, rows in tables.items():
            if not rows:
                continue
            columns = list(rows[0])
            marks = ", ".join("?" for _ in columns)
            con.executemany(
                f"insert into {table} ({', '.join(columns)}) values ({marks})",
                [tuple(r[c] for c in columns) for r in rows],
            )
        con.execute("commit")
        con.execute("analyze")
        con.execute("vacuum")
    finally:
        con.close()
    return path
