"""From counts to published values: rates, shares and ratios with their intervals, the
instability flag, empirical-Bayes smoothing and direct age standardisation.

Rows are the dictionaries ``grouping.py``'s queries return (``numerator``, ``denominator``
and the dimension columns); these functions add the measures in place, vectorised.

Example:
    >>> publish_round(2.25, 1), publish_round(0.05, 1), publish_round(None, 1)
    (2.3, 0.1, None)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from ciudadana.analysis.indicators.catalogue import Indicator
from ciudadana.analysis.smoothing import eb_smooth
from ciudadana.analysis.standardise import fay_feuer
from ciudadana.analysis.uncertainty import (
    binomial_interval,
    instability,
    poisson_interval,
    poisson_ratio_interval,
)

Row = dict[str, Any]


def publish_round(value: float | None, decimals: int) -> float | None:
    """Round half up to ``decimals`` places, as statistical offices publish (2.25 -> 2.3)."""
    if value is None or not np.isfinite(value):
        return None
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up(values: np.ndarray, decimals: int) -> list[float | None]:
    """:func:`publish_round` over an array (NaN and infinities become None).

    A value whose decimal writing ends in 5 at the next place is rounded up, as written (the
    tolerance absorbs binary representation: 1.005 -> 1.01); values never differ from
    :func:`publish_round` except within 1e-9 of a half.

    Example:
        >>> round_half_up(np.array([2.25, 1.005, np.nan]), 2)
        [2.25, 1.01, None]
    """
    scale = 10.0**decimals
    arr = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        out = np.floor(np.abs(arr) * scale + 0.5 + 1e-9) / scale * np.sign(arr)
    return [None if not np.isfinite(v) else float(v) for v in out.tolist()]


def _array(rows: Sequence[Row], key: str) -> np.ndarray:
    return np.array([r[key] for r in rows], dtype=float)


def add_measures(rows: list[Row], ind: Indicator, *, kind: str, level: float = 0.95) -> None:
    """Add ``value``, ``lower``, ``upper``, ``cv`` and ``unstable`` to each row.

    Args:
        rows: rows with ``numerator`` and ``denominator``.
        ind: the indicator (unit, decimals, stability thresholds).
        kind: ``rate`` (per population), ``share`` (nested counts) or ``ratio`` (two sources).
        level: confidence level.
    """
    if not rows:
        return
    k = np.rint(_array(rows, "numerator"))
    d = _array(rows, "denominator")
    mult = ind.multiplier
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "rate":
            lo, hi = poisson_interval(k, level)
            value, lower, upper = k / d * mult, lo / d * mult, hi / d * mult
            flags = instability(k, min_count=ind.stability.min_count, max_cv=ind.stability.max_cv)
        elif kind == "share":
            lo, hi = binomial_interval(k, d, level)
            value, lower, upper = k / d * mult, lo * mult, hi * mult
            flags = instability(
                k, d, min_count=ind.stability.min_count, max_cv=ind.stability.max_cv
            )
        else:
            lo, hi = poisson_ratio_interval(k, d, level)
            value, lower, upper = k / d * mult, lo * mult, hi * mult
            flags = instability(k, min_count=ind.stability.min_count, max_cv=ind.stability.max_cv)
    ok = np.isfinite(d) & (d > 0)
    nan = np.full(k.shape, np.nan)
    values = round_half_up(np.where(ok, value, nan), ind.decimals)
    lowers = round_half_up(np.where(ok, lower, nan), ind.decimals)
    uppers = round_half_up(np.where(ok, upper, nan), ind.decimals)
    cvs = round_half_up(flags.cv, 4)
    counts = k.astype(np.int64).tolist()
    unstable = flags.unstable.tolist()
    for i, row in enumerate(rows):
        row["numerator"] = counts[i]
        row["value"], row["lower"], row["upper"] = values[i], lowers[i], uppers[i]
        row["cv"] = cvs[i]
        row["unstable"] = unstable[i]


def add_smoothed(rows: list[Row], keys: Sequence[str], ind: Indicator) -> None:
    """Add ``value_eb``: the empirical-Bayes rate of each municipality among its peers.

    Peers share every key but the municipality (same source, year, sex...). Rows without a
    population (an unknown municipality) get None.
    """
    peers: dict[tuple[Hashable, ...], list[Row]] = defaultdict(list)
    others = [k for k in keys if k != "municipality"]
    for row in rows:
        row["value_eb"] = None
        if row.get("denominator") and row["municipality"] != "unknown":
            peers[tuple(row[k] for k in others)].append(row)
    for group in peers.values():
        if len(group) < 2:
            continue
        smoothed = eb_smooth(_array(group, "numerator"), _array(group, "denominator"))
        for row, rate in zip(
            group, round_half_up(smoothed * ind.multiplier, ind.decimals), strict=True
        ):
            row["value_eb"] = rate


def standardised(
    rows: Sequence[Row],
    cells: Sequence[Row],
    keys: Sequence[str],
    ind: Indicator,
    level: float = 0.95,
) -> dict[tuple[Hashable, ...], tuple[float | None, float | None, float | None]]:
    """Directly age-standardised rate and interval per cell, from the sums of
    ``standardised_tables_sql`` (incomplete cells are left out).

    Victims of unknown age are spread over the ages in proportion to the known ones (the
    rate and its interval are multiplied by numerator / victims of known age); a cell with
    victims but none of known age gets no standardised rate.

    Returns:
        cell key (values of ``keys``) -> (rate, lower, upper), published-rounded.
    """
    scale: dict[tuple[Hashable, ...], float] = {}
    for c in cells:
        known = c["numerator"] - c["age_unknown"]
        if known > 0:
            scale[tuple(c[k] for k in keys)] = c["numerator"] / known
        elif c["numerator"] == 0:
            scale[tuple(c[k] for k in keys)] = 1.0
    done = [r for r in rows if r["complete"] and tuple(r[k] for k in keys) in scale]
    if not done:
        return {}
    factor = np.array([scale[tuple(r[k] for k in keys)] for r in done]) * ind.multiplier
    rate = _array(done, "rate")
    lower, upper = fay_feuer(rate, _array(done, "variance"), _array(done, "w_max"), level)
    triples = zip(
        round_half_up(rate * factor, ind.decimals),
        round_half_up(lower * factor, ind.decimals),
        round_half_up(upper * factor, ind.decimals),
        strict=True,
    )
    return {tuple(r[k] for k in keys): t for r, t in zip(done, triples, strict=True)}
