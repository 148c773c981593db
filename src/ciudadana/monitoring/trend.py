"""Is an indicator going up or down? A Poisson regression of the yearly counts.

``log E[count_t] = log(exposure_t) + a + b t``: ``exp(b) - 1`` is the average yearly change of
the rate, with its interval and p-value. The exposure is the population (a rate) or the
denominator count (a share: a binomial regression is used instead). Counts of crime are
usually more variable than Poisson: the scale is estimated from the Pearson chi-square
(quasi-Poisson), which widens the interval honestly when they are. Fitted by ``statsmodels``.

Example:
    >>> trend = poisson_trend([2018, 2019, 2020], [100, 110, 121], [1e6] * 3)  # doctest: +SKIP
    >>> round(trend.annual_change, 4)  # doctest: +SKIP
    0.1
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

#: Fewer years or events than this give no trend (the estimate would be noise).
MIN_YEARS = 3
MIN_EVENTS = 10


@dataclass(frozen=True)
class Trend:
    """Average yearly change of a rate (0.05 = +5 % a year), its interval and p-value.

    ``direction``: ``down``, ``up`` (the interval excludes no change) or ``flat``.
    """

    annual_change: float
    lower: float
    upper: float
    p_value: float
    years: int
    scale: float
    method: str
    direction: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def poisson_trend(
    years: ArrayLike,
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    *,
    share: bool = False,
    level: float = 0.95,
) -> Trend | None:
    """Fit the yearly trend of ``counts`` (None with fewer than ``MIN_YEARS`` years or
    ``MIN_EVENTS`` events).

    Args:
        years: the years (any order).
        counts: the numerator of each year.
        exposure: the population (rates) or the denominator count (``share=True``); None
            for plain counts.
        share: fit a binomial regression of ``counts`` out of ``exposure``.
        level: confidence level of the interval.
    """
    import statsmodels.api as sm

    t = np.asarray(years, dtype=float)
    k = np.asarray(counts, dtype=float)
    n = None if exposure is None else np.asarray(exposure, dtype=float)
    keep = np.isfinite(k) & (np.ones_like(k, bool) if n is None else np.isfinite(n) & (n > 0))
    t, k = t[keep], k[keep]
    n = None if n is None else n[keep]
    if t.size < MIN_YEARS or k.sum() < MIN_EVENTS:
        return None
    x = sm.add_constant(t - t.mean())
    if share:
        assert n is not None
        model = sm.GLM(np.column_stack([k, n - k]), x, family=sm.families.Binomial())
        method = "binomial"
    else:
        offset = None if n is None else np.log(n)
        model = sm.GLM(k, x, family=sm.families.Poisson(), offset=offset)
        method = "poisson"
    with warnings.catch_warnings():
        # a series with zeros may warn of separation; the interval then says how little we know
        warnings.simplefilter("ignore")
        fit = model.fit(scale="X2")
        scale = float(fit.scale)
        if scale < 1:  # never narrower than Poisson
            fit = model.fit(scale=1.0)
            scale = 1.0
    if scale > 1:
        method = f"quasi-{method}"
    b = float(fit.params[1])
    lo, hi = (float(v) for v in fit.conf_int(alpha=1 - level)[1])
    p = float(fit.pvalues[1])
    direction = "down" if hi < 0 else ("up" if lo > 0 else "flat")
    with np.errstate(over="ignore"):
        change, lower, upper = (float(np.expm1(v)) for v in (b, lo, hi))
    return Trend(
        annual_change=change,
        lower=lower,
        upper=upper,
        p_value=p,
        years=int(t.size),
        scale=scale,
        method=method,
        direction=direction,
    )
