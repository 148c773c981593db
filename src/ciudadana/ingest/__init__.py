"""Source exports into the warehouse: declarative specs, readers, validation, quarantine,
lineage. The front door is :func:`ingest_file`.
"""

from ciudadana.ingest.lineage import list_loads, quarantine_rows, write_quarantine_csv
from ciudadana.ingest.pipeline import LoadReport, ingest_file
from ciudadana.ingest.spec import LoadedSpec, SourceSpec, json_schema, load_spec, parse_spec

__all__ = [
    "LoadReport",
    "LoadedSpec",
    "SourceSpec",
    "ingest_file",
    "json_schema",
    "list_loads",
    "load_spec",
    "parse_spec",
    "quarantine_rows",
    "write_quarantine_csv",
]
