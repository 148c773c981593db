"""Data quality diagnostics: a scorecard of every source and period, down to the row.

The front door is :func:`diagnose`; :func:`write_findings_csv` writes the row-level findings to
send back to an institution and :func:`write_html` the report people read.
"""

from ciudadana.quality.engine import diagnose
from ciudadana.quality.report import LoadScore, QualityReport, read_report
from ciudadana.quality.rules import DIMENSIONS, load_source_rules, parse_rules, standard_rules

__all__ = [
    "DIMENSIONS",
    "LoadScore",
    "QualityReport",
    "diagnose",
    "load_source_rules",
    "parse_rules",
    "read_report",
    "standard_rules",
]
