"""Empirical-Bayes smoothed rates for small territories (PySAL ``esda``).

In a municipality of 3,000 people one homicide is a rate of 33 per 100,000 and none is 0: the
crude rate jumps with chance. The global empirical-Bayes estimate (Marshall, 1991) pulls each
crude rate towards the mean of all the territories, the more the smaller its population, so
the map shows risk rather than noise. It is computed by ``esda.smoothing.Empirical_Bayes``;
``esda`` is imported only when a smoothed rate is asked for (it takes a few seconds).

Marshall's method estimates the between-territory variance by moments; when the estimate is
negative (the territories differ less than chance alone would make them) every territory gets
the mean rate, as Marshall prescribes. ``esda`` leaves that case unguarded, so we guard it here.

Example:
    >>> smoothed = eb_smooth([0, 10, 200], [3_000, 50_000, 900_000])  # doctest: +SKIP
    >>> [round(r * 100_000, 1) for r in smoothed]  # doctest: +SKIP
    [20.8, 20.5, 22.2]
"""

from __future__ import annotations

import importlib
import threading

import numpy as np
from numpy.typing import ArrayLike, NDArray


def prefetch() -> threading.Thread:
    """Start importing ``esda`` in the background (it takes seconds: it loads PySAL, pandas and
    scikit-learn); the warehouse queries run meanwhile, and :func:`eb_smooth` finds it ready.
    """
    thread = threading.Thread(target=importlib.import_module, args=("esda.smoothing",))
    thread.daemon = True
    thread.start()
    return thread


def between_variance(events: ArrayLike, population: ArrayLike) -> float:
    """Marshall's moment estimate of the variance of the true rates between territories."""
    e = np.asarray(events, dtype=float)
    b = np.asarray(population, dtype=float)
    mean = e.sum() / b.sum()
    return float((b * (e / b - mean) ** 2).sum() / b.sum() - mean / b.mean())


def eb_smooth(events: ArrayLike, population: ArrayLike) -> NDArray[np.float64]:
    """Global empirical-Bayes smoothed rates (per person) of territories with a population.

    Args:
        events: counts per territory.
        population: population at risk per territory (all > 0).

    Returns:
        The smoothed rates, in the order given. With fewer than two territories, or no events,
        the crude rates are returned unchanged.
    """
    e = np.asarray(events, dtype=float).ravel()
    b = np.asarray(population, dtype=float).ravel()
    if np.any(~np.isfinite(b)) or np.any(b <= 0):
        raise ValueError("el suavizado necesita una población positiva en cada territorio")
    if e.size < 2 or e.sum() == 0:
        return e / b
    if between_variance(e, b) <= 0:
        return np.full(e.shape, e.sum() / b.sum())
    from esda.smoothing import Empirical_Bayes

    return np.asarray(Empirical_Bayes(e, b).r, dtype=float).ravel()
