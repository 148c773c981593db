"""Honest uncertainty for counts, rates and shares: exact intervals and an instability flag.

Every function takes numbers or NumPy arrays (vectorised over the rows of an indicator table)
and returns the same shape. The confidence level defaults to 95 %.

- :func:`poisson_interval`: the exact (Garwood, 1936) interval of a Poisson count, from the
  chi-square distribution. Divide by the population to get the interval of a rate.
- :func:`binomial_interval`: the exact (Clopper-Pearson, 1934) interval of a share ``k / n``.
- :func:`poisson_ratio_interval`: the interval of the ratio of two independent Poisson counts
  (conditional binomial method), for ratios whose numerator is not part of the denominator.
- :func:`instability`: flags a rate whose numerator is small or whose coefficient of variation
  is high, as statistics offices do before publishing.

Example:
    >>> lo, hi = poisson_interval(10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (4.7954, 18.3904)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

#: Default thresholds: fewer than 20 events (a relative standard error above 22 %) or a
#: coefficient of variation above 30 % make a rate unstable (US NCHS and INE practice).
MIN_COUNT = 20
MAX_CV = 0.30


def _alpha(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"nivel de confianza {level}: debe estar entre 0 y 1")
    return 1.0 - level


def poisson_interval(k: ArrayLike, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) confidence interval of a Poisson count ``k``.

    lower = chi2(alpha/2; 2k) / 2 (0 when k = 0), upper = chi2(1 - alpha/2; 2k + 2) / 2.

    Args:
        k: observed counts (non-negative; non-integers are rounded).
        level: confidence level.

    Returns:
        (lower, upper) of the expected count, arrays shaped like ``k``.

    Example:
        >>> [round(float(x), 4) for x in poisson_interval(0)]
        [0.0, 3.6889]
    """
    alpha = _alpha(level)
    k = np.rint(np.asarray(k, dtype=float))
    with np.errstate(invalid="ignore"):
        lower = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def binomial_interval(
    k: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Exact (Clopper-Pearson) confidence interval of the share ``k / n``.

    Args:
        k: successes (the numerator), ``0 <= k <= n``.
        n: trials (the denominator); where ``n == 0`` the interval is NaN.
        level: confidence level.

    Returns:
        (lower, upper) as proportions (0-1).

    Example:
        >>> [round(float(x), 4) for x in binomial_interval(5, 10)]
        [0.1871, 0.8129]
    """
    alpha = _alpha(level)
    k = np.rint(np.asarray(k, dtype=float))
    n = np.rint(np.asarray(n, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    bad = n <= 0
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def poisson_ratio_interval(
    k1: ArrayLike, k2: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Interval of the ratio ``k1 / k2`` of two independent Poisson counts.

    Conditional on ``k1 + k2``, ``k1`` is binomial with ``p = r / (1 + r)``: the exact
    Clopper-Pearson interval of ``p`` gives the interval of the ratio ``r = p / (1 - p)``.

    Example:
        >>> [round(float(x), 3) for x in poisson_ratio_interval(10, 20)]
        [0.209, 1.119]
    """
    k1 = np.asarray(k1, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    lo, hi = binomial_interval(k1, k1 + k2, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = lo / (1 - lo)
        upper = np.where(hi >= 1, np.inf, hi / (1 - hi))
    bad = k2 <= 0
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


@dataclass(frozen=True)
class Instability:
    """Why a value is flagged: arrays of booleans and the coefficient of variation."""

    unstable: NDArray[np.bool_]
    small_count: NDArray[np.bool_]
    high_cv: NDArray[np.bool_]
    cv: FloatArray


def instability(
    k: ArrayLike,
    n: ArrayLike | None = None,
    *,
    min_count: int = MIN_COUNT,
    max_cv: float = MAX_CV,
) -> Instability:
    """Flag values too unstable to publish without a warning.

    A rate is unstable when its numerator is below ``min_count`` or its coefficient of variation
    (1 / sqrt(k) for a Poisson count; sqrt((1 - p) / k) for a share k / n) exceeds ``max_cv``.
    A zero numerator is always unstable.

    Args:
        k: numerators.
        n: denominators of a share (omit for a rate).
        min_count: smallest numerator published without a warning.
        max_cv: largest coefficient of variation published without a warning.

    Example:
        >>> flags = instability([0, 5, 30, 400])
        >>> flags.unstable.tolist()
        [True, True, False, False]
    """
    k = np.asarray(k, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if n is None:
            cv = np.where(k > 0, 1 / np.sqrt(k), np.inf)
        else:
            n = np.asarray(n, dtype=float)
            p = np.where(n > 0, k / n, np.nan)
            cv = np.where(k > 0, np.sqrt((1 - p) / k), np.inf)
    small = k < min_count
    high = ~(cv <= max_cv)
    return Instability(small | high, small, high, cv)
