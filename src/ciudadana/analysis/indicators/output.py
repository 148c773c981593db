"""Indicator tables as files (CSV, Parquet) and the catalogue as a list.

The columns are ``rows.OUTPUT_COLUMNS`` with fixed types, so that a CSV read back, a Parquet
file and the JSON of ``ciudadana indicators --json`` say the same thing. Codes stay text
(``"0101"`` keeps its zero).

Example:
    >>> [i["code"] for i in list_indicators()][:2]
    ['VC_IHR_PSRC', 'VC_FEM_RATE']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ciudadana.analysis.indicators.catalogue import Catalogue, load_catalogue
from ciudadana.analysis.indicators.compute import IndicatorResult
from ciudadana.analysis.indicators.rows import OUTPUT_COLUMNS

_TYPES: dict[str, pa.DataType] = {
    "year": pa.int32(),
    "numerator": pa.int64(),
    "denominator": pa.float64(),
    "value": pa.float64(),
    "lower": pa.float64(),
    "upper": pa.float64(),
    "unstable": pa.bool_(),
    "cv": pa.float64(),
    "value_eb": pa.float64(),
    "value_asr": pa.float64(),
    "lower_asr": pa.float64(),
    "upper_asr": pa.float64(),
    "age_unknown": pa.int64(),
}
SCHEMA = pa.schema([(c, _TYPES.get(c, pa.string())) for c in OUTPUT_COLUMNS])


def to_arrow(result: IndicatorResult) -> pa.Table:
    """The rows as an Arrow table with ``SCHEMA``."""
    return pa.Table.from_pylist(
        [{c: r.get(c) for c in OUTPUT_COLUMNS} for r in result.rows], schema=SCHEMA
    )


def write_csv(result: IndicatorResult, path: Path) -> Path:
    """Write the rows as UTF-8 CSV (header = ``OUTPUT_COLUMNS``, empty cell = no value)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(to_arrow(result), path, pacsv.WriteOptions(quoting_style="needed"))
    return path


def write_parquet(result: IndicatorResult, path: Path) -> Path:
    """Write the rows as Parquet (zstd), with the notes in the file's metadata."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = to_arrow(result)
    meta = {b"ciudadana.notes": "\n".join(result.notes).encode("utf-8")}
    pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")
    return path


def list_indicators(lang: str = "es", catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """The catalogue, one dictionary per indicator (code, name, unit, counting rule...)."""
    cat = catalogue or load_catalogue()
    return [
        {
            "code": ind.code,
            "name": ind.name.get(lang),
            "short": ind.short.get(lang),
            "sdg": ind.sdg,
            "unit": ind.unit,
            "counting": ind.numerator.unit,
            "date": ind.numerator.date,
            "iccs": ind.numerator.iccs,
            "disaggregations": list(ind.disaggregations),
            "notes": ind.notes.get(lang).strip(),
        }
        for ind in cat.indicators
    ]
