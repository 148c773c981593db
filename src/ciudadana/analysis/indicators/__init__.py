"""The indicator catalogue and its computation on the warehouse.

Example:
    >>> from ciudadana.analysis.indicators import load_catalogue
    >>> "VC_IHR_PSRC" in load_catalogue().codes()
    True
"""

from ciudadana.analysis.indicators.catalogue import (
    Catalogue,
    Indicator,
    InvalidCatalogue,
    UnknownIndicator,
    load_catalogue,
    read_catalogue,
)
from ciudadana.analysis.indicators.compute import (
    IndicatorRequest,
    IndicatorResult,
    InvalidRequest,
    compute_indicators,
)
from ciudadana.analysis.indicators.rows import OUTPUT_COLUMNS

__all__ = [
    "OUTPUT_COLUMNS",
    "Catalogue",
    "Indicator",
    "IndicatorRequest",
    "IndicatorResult",
    "InvalidCatalogue",
    "InvalidRequest",
    "UnknownIndicator",
    "compute_indicators",
    "load_catalogue",
    "read_catalogue",
]
