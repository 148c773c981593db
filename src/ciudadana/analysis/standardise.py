"""Direct age standardisation with the WHO World Standard Population (2000-2025).

A crude rate mixes the risk with the age structure: a young country has more homicide victims
per 100,000 because more of its people are at the ages of highest risk. The directly
standardised rate weights the age-specific rates by one standard population, so that two
territories or two years can be compared as if they had the same ages.

The interval is the gamma interval of Fay and Feuer (1997), the one SEER and most statistics
offices publish; it is exact when there is one age group and conservative otherwise.

Example:
    >>> weights = standard_weights([0, 5, 10, 15], top=15)
    >>> round(float(weights.sum()), 6)
    1.0
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]


@cache
def who_world_standard() -> tuple[tuple[int, int | None, float], ...]:
    """The WHO World Standard Population 2000-2025: (age_min, age_max, weight per 100,000).

    Origin and licence: ``analysis/data/SOURCES.md``.

    Example:
        >>> who_world_standard()[0]
        (0, 4, 8860.0)
    """
    path = resources.files("ciudadana.analysis").joinpath(
        "data", "who_world_standard_2000_2025.csv"
    )
    with path.open(encoding="utf-8") as fh:
        return tuple(
            (int(r["age_min"]), int(r["age_max"]) if r["age_max"] else None, float(r["weight"]))
            for r in csv.DictReader(fh)
        )


def standard_weights(starts: list[int], top: int) -> FloatArray:
    """WHO weights of the age groups that start at ``starts``, the last one open (``top``+).

    Every group runs from its start to the next start minus one; the group starting at ``top``
    is open and takes the weights of every standard group from ``top`` up. Starts must be
    multiples of 5 (the standard's groups). Weights are normalised to add up to 1.

    Example:
        >>> [round(float(w), 4) for w in standard_weights([0, 65], top=65)]
        [0.9177, 0.0823]
    """
    if any(s % 5 for s in starts) or top not in starts:
        raise ValueError(f"grupos de edad {starts} (abierto desde {top}): use múltiplos de 5")
    bounds = sorted(starts)
    weights = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else None
        weights.append(
            sum(
                w
                for lo, _hi, w in who_world_standard()
                if lo >= start and (end is None or lo < end)
            )
        )
    arr = np.asarray(weights, dtype=float)
    return arr / arr.sum()


def fay_feuer(
    rate: ArrayLike, variance: ArrayLike, w_max: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """The Fay-Feuer (1997) gamma interval of directly standardised rates.

    Args:
        rate: sum of w_i k_i / n_i (weights w_i adding up to 1).
        variance: sum of w_i^2 k_i / n_i^2.
        w_max: max of w_i / n_i.
        level: confidence level.

    Returns:
        (lower, upper), per person.
    """
    y = np.asarray(rate, dtype=float)
    v = np.asarray(variance, dtype=float)
    wm = np.asarray(w_max, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(
            (y > 0) & (v > 0),
            stats.gamma.ppf(
                alpha / 2, y**2 / np.where(v > 0, v, 1), scale=v / np.where(y > 0, y, 1)
            ),
            0.0,
        )
        upper = stats.gamma.ppf(
            1 - alpha / 2, (y + wm) ** 2 / (v + wm**2), scale=(v + wm**2) / (y + wm)
        )
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def direct_standardise(
    counts: ArrayLike, populations: ArrayLike, weights: ArrayLike, level: float = 0.95
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Directly standardised rates with the Fay-Feuer gamma interval.

    Args:
        counts: events by unit and age group, shape (units, groups).
        populations: population by unit and age group, same shape; a unit with a zero or
            missing population in any group gets NaN.
        weights: standard weights of the groups (normalised here to add up to 1).
        level: confidence level.

    Returns:
        (rate, lower, upper) per unit, per person (multiply by 100,000 to publish).

    Example:
        >>> rate, lo, hi = direct_standardise([[30, 25]], [[1000, 1000]], [1, 1])
        >>> round(float(rate[0]), 4)
        0.0275
    """
    k = np.atleast_2d(np.asarray(counts, dtype=float))
    n = np.atleast_2d(np.asarray(populations, dtype=float))
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    valid = np.all(np.isfinite(n) & (n > 0), axis=1) & np.all(np.isfinite(k), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit_w = np.where(n > 0, w / n, np.nan)
        rate = np.nansum(unit_w * k, axis=1)
        var = np.nansum(unit_w**2 * k, axis=1)
        w_max = np.nanmax(unit_w, axis=1)
    lower, upper = fay_feuer(rate, var, w_max, level)
    nan = np.full(rate.shape, np.nan)
    return (
        np.where(valid, rate, nan),
        np.where(valid, lower, nan),
        np.where(valid, upper, nan),
    )
