"""Analysis: indicators with honest uncertainty (exact intervals, age standardisation,
empirical-Bayes smoothing, instability flags), read from the warehouse through ``open_reader``.

Example:
    >>> from ciudadana.analysis import poisson_interval
    >>> [round(float(x), 2) for x in poisson_interval(1)]
    [0.03, 5.57]
"""

from ciudadana.analysis.indicators import (
    IndicatorRequest,
    IndicatorResult,
    compute_indicators,
    load_catalogue,
)
from ciudadana.analysis.uncertainty import (
    binomial_interval,
    instability,
    poisson_interval,
    poisson_ratio_interval,
)

__all__ = [
    "IndicatorRequest",
    "IndicatorResult",
    "binomial_interval",
    "compute_indicators",
    "instability",
    "load_catalogue",
    "poisson_interval",
    "poisson_ratio_interval",
]
