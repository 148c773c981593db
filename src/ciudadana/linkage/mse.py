"""Multiple-systems estimation: how many cases no institution recorded, from the overlaps of
three or more sources. Log-linear capture-recapture models as in R's Rcapture (Baillargeon and
Rivest 2007), fitted with statsmodels.

The 2^t - 1 observed capture histories (in Rcapture's ``histpos.t`` order) are counts of a
Poisson log-linear model; the count of the unobserved history is ``exp(intercept)`` and the
total is ``n + exp(intercept)``, with standard error ``sqrt(e + e² var(intercept))``. Models:

- ``Mt``: the sources capture independently (main effects);
- ``Mt`` with two-source interactions ``[12,23]``: pairs of sources that depend on each other
  (every hierarchical model up to ``maxorder``, as ``closedpMS.t``);
- ``Mth`` with heterogeneity (``chao``, Chao's lower bound; ``poisson``, 2^k - 1;
  ``darroch``, k²/2; ``gamma``, -log(3.5 + k) + log(3.5)), k the number of captures.

:func:`select_model` fits them all and keeps the smallest AIC (or BIC); the 95 % interval is
Rcapture's multinomial profile likelihood interval. Validated in ``tests/test_linkage_mse.py``
against published results (Darroch et al. 1993; Cormack, Chang and Smith 2000; Bruno et al.
1994, as reproduced by Rcapture's own tests).

Example:
    >>> counts = [72, 155, 7, 71, 13, 53, 43]  # Darroch et al. (1993), Rcapture's order
    >>> fit = fit_model(counts, 3, interactions=[(0, 1), (1, 2)])
    >>> round(fit.abundance), round(fit.stderr), round(fit.deviance, 1), fit.df
    (850, 186, 3.8, 1)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import statsmodels.api as sm
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import chi2

HETEROGENEITY = ("chao", "poisson", "darroch", "gamma")


def histories(t: int) -> np.ndarray:
    """The 2^t - 1 observable capture histories, in Rcapture's ``histpos.t`` order.

    Example:
        >>> histories(2).tolist()
        [[1, 1], [1, 0], [0, 1]]
    """
    x = np.array([[1, 1], [1, 0], [0, 1]])
    for i in range(3, t + 1):
        top = np.hstack(
            [np.ones((2 ** (i - 1), 1), int), np.vstack([x, np.zeros((1, i - 1), int)])]
        )
        bottom = np.hstack([np.zeros((len(x), 1), int), x])
        x = np.vstack([top, bottom])
    return x


def heterogeneity_columns(k: np.ndarray, kind: str, t: int) -> np.ndarray:
    """Rcapture's columns for heterogeneity, from the number of captures ``k`` of each history."""
    if kind == "chao":
        return np.column_stack([np.maximum(k - j + 1, 0) for j in range(3, t + 1)])
    if kind == "poisson":
        return (2.0**k - 1)[:, None]
    if kind == "darroch":
        return (k**2 / 2.0)[:, None]
    if kind == "gamma":
        return (-np.log(3.5 + k) + np.log(3.5))[:, None]
    raise ValueError(f"unknown heterogeneity {kind!r}; use one of {HETEROGENEITY}")


def design(
    t: int,
    interactions: Sequence[Sequence[int]] = (),
    heterogeneity: str | None = None,
    *,
    common: bool = False,
) -> np.ndarray:
    """The design matrix (without intercept): main effects (or, with ``common``, the number of
    captures: model M0/Mh), the interactions (0-based source indexes), heterogeneity columns."""
    h = histories(t)
    k = h.sum(axis=1)
    cols = [k[:, None]] if common else [h]
    for term in interactions:
        cols.append(np.prod(h[:, list(term)], axis=1)[:, None])
    if heterogeneity:
        cols.append(heterogeneity_columns(k, heterogeneity, t))
    return np.hstack(cols).astype(float)


def model_name(
    interactions: Sequence[Sequence[int]], heterogeneity: str | None, common: bool = False
) -> str:
    """Rcapture-style name: ``Mt``, ``Mt [12,23]``, ``Mth darroch``, ``M0``.

    Example:
        >>> model_name([(0, 1), (1, 2)], None)
        'Mt [12,23]'
    """
    base = ("Mh" if heterogeneity else "M0") if common else ("Mth" if heterogeneity else "Mt")
    terms = ",".join("".join(str(i + 1) for i in term) for term in interactions)
    return base + (f" [{terms}]" if terms else "") + (f" {heterogeneity}" if heterogeneity else "")


@dataclass
class Fit:
    """One fitted model: the total, its standard error and fit statistics."""

    model: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    observed: int
    parameters: int
    lower: float | None = None
    upper: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unobserved(self) -> float:
        return self.abundance - self.observed


def _glm(y: np.ndarray, x: np.ndarray) -> sm.GLM:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(y, sm.add_constant(x, has_constant="add"), family=sm.families.Poisson()).fit()


def _fit_dropping_negative(
    y: np.ndarray, x: np.ndarray, chao_cols: int
) -> tuple[object, np.ndarray]:
    """Fit; with Chao's columns (the last ``chao_cols``), drop negative etas one by one."""
    res = _glm(y, x)
    while chao_cols:
        etas = np.asarray(res.params)[-chao_cols:]
        negative = np.flatnonzero(etas < 0)
        if not len(negative):
            break
        drop = x.shape[1] - chao_cols + int(negative[0])
        x = np.delete(x, drop, axis=1)
        chao_cols -= 1
        res = _glm(y, x)
    return res, x


def fit_model(
    counts: Sequence[float],
    t: int,
    interactions: Sequence[Sequence[int]] = (),
    heterogeneity: str | None = None,
    *,
    common: bool = False,
    interval: bool = False,
    alpha: float = 0.05,
) -> Fit:
    """Fit one log-linear model to the counts of the 2^t - 1 histories (Rcapture's order)."""
    y = np.asarray(counts, dtype=float)
    if len(y) != 2**t - 1:
        raise ValueError(f"{t} sources have {2**t - 1} capture histories, got {len(y)} counts")
    x = design(t, interactions, heterogeneity, common=common)
    chao_cols = (t - 2) if heterogeneity == "chao" else 0
    res, x = _fit_dropping_negative(y, x, chao_cols)
    b0 = float(res.params[0])
    var0 = float(res.cov_params()[0, 0])
    e0 = math.exp(min(b0, 700.0))
    n = int(round(y.sum()))
    params = x.shape[1] + 1
    fit = Fit(
        model=model_name(interactions, heterogeneity, common),
        abundance=n + e0,
        stderr=math.sqrt(e0 + e0 * e0 * var0) if math.isfinite(var0) else math.inf,
        deviance=float(res.deviance),
        df=len(y) - params,
        aic=float(res.deviance) + 2 * params,
        bic=float(res.deviance) + math.log(max(n, 1)) * params,
        observed=n,
        parameters=params,
    )
    if interval and math.isfinite(fit.abundance):
        fit.lower, fit.upper = profile_interval(y, x, alpha=alpha)
    return fit


def _profile_loglik(y: np.ndarray, x: np.ndarray, n0: float) -> float:
    """Rcapture's multinomial profile log-likelihood of ``n0`` unobserved cases."""
    ya = np.append(y, n0)
    xa = np.vstack([x, np.zeros((1, x.shape[1]))])
    dev = float(_glm(ya, xa).deviance)
    total = ya.sum()
    xlogx = n0 * math.log(n0) if n0 > 0 else 0.0
    correction = xlogx + gammaln(total + 1) - total * math.log(total) - gammaln(n0 + 1)
    return -(dev - 2 * correction) / 2


def profile_interval(y: np.ndarray, x: np.ndarray, *, alpha: float = 0.05) -> tuple[float, float]:
    """The (1 - alpha) profile likelihood interval of the total (``n + n0``).

    The lower bound is ``n`` when the likelihood at ``n0 = 0`` is still within the cut.
    """
    n = float(y.sum())
    res = _glm(y, x)
    guess = max(math.exp(min(float(res.params[0]), 700.0)), 1e-6)

    def ll(n0: float) -> float:
        return _profile_loglik(y, x, n0)

    # the maximum: a few golden-section steps around the Poisson estimate
    lo, hi = 0.0, max(4 * guess + 10, guess + 50)
    for _ in range(60):
        m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        if ll(m1) < ll(m2):
            lo = m1
        else:
            hi = m2
    best = (lo + hi) / 2
    cut = ll(best) - chi2.ppf(1 - alpha, 1) / 2
    lower = n if ll(0.0) >= cut else n + brentq(lambda v: ll(v) - cut, 0.0, best, xtol=1e-3)
    top = max(best * 2, best + 10)
    while ll(top) > cut:
        top *= 2
        if top > 1e9:
            return lower, math.inf
    upper = n + brentq(lambda v: ll(v) - cut, best, top, xtol=1e-3)
    return lower, upper


def hierarchical_models(t: int, maxorder: int = 2) -> list[list[tuple[int, ...]]]:
    """Every hierarchical set of interactions up to ``maxorder`` (main effects always in),
    written by their top terms' closure: a three-way term brings its two-way terms.

    Example:
        >>> len(hierarchical_models(3)), len(hierarchical_models(4))
        (8, 64)
    """
    pairs = list(combinations(range(t), 2))
    models: list[list[tuple[int, ...]]] = []
    for r in range(len(pairs) + 1):
        for chosen in combinations(pairs, r):
            terms = list(chosen)
            if maxorder >= 3:
                pass  # higher orders: not used for lists of institutions (sparse tables)
            models.append(terms)
    return models


@dataclass
class Selection:
    """The chosen model with its interval, and every model tried."""

    best: Fit
    fits: list[Fit]
    criterion: str


def select_model(
    counts: Sequence[float],
    t: int,
    *,
    criterion: str = "aic",
    heterogeneity: Sequence[str] = HETEROGENEITY,
    alpha: float = 0.05,
    max_ratio: float = 100.0,
) -> Selection:
    """Fit every candidate model and keep the best by ``criterion`` (``aic`` or ``bic``).

    Models whose total is not finite, or more than ``max_ratio`` times the observed, are not
    chosen (a table too sparse for their interactions).
    """
    if criterion not in ("aic", "bic"):
        raise ValueError("criterion must be aic or bic")
    fits: list[Fit] = [fit_model(counts, t, common=True)]
    for terms in hierarchical_models(t):
        fits.append(fit_model(counts, t, terms))
    for kind in heterogeneity:
        if kind == "chao" and t < 3:
            continue
        fits.append(fit_model(counts, t, heterogeneity=kind))
    n = max(sum(counts), 1)
    usable = [
        f
        for f in fits
        if math.isfinite(f.abundance) and math.isfinite(f.stderr) and f.abundance <= max_ratio * n
    ]
    if not usable:
        raise ValueError("no model could be fitted to these counts")
    best = min(usable, key=lambda f: (getattr(f, criterion), f.parameters))
    spec = _spec(best.model)
    chosen = fit_model(counts, t, spec[0], spec[1], common=spec[2], interval=True, alpha=alpha)
    return Selection(chosen, fits, criterion)


def _spec(name: str) -> tuple[list[tuple[int, ...]], str | None, bool]:
    common = name.startswith(("M0", "Mh"))
    parts = name.split()
    terms: list[tuple[int, ...]] = []
    het = None
    for part in parts[1:]:
        if part.startswith("["):
            terms = [tuple(int(c) - 1 for c in term) for term in part.strip("[]").split(",")]
        else:
            het = part
    return terms, het, common


def average_models(
    counts: Sequence[float],
    t: int,
    *,
    criterion: str = "aic",
    heterogeneity: Sequence[str] = HETEROGENEITY,
    alpha: float = 0.05,
    max_ratio: float = 100.0,
) -> Fit:
    """The models' totals averaged with Akaike (or BIC) weights, and the unconditional standard
    error of Buckland, Burnham and Augustin (1997), which adds the spread between models: the
    interval reflects that the model itself was chosen from the data.

    Example:
        >>> fit = average_models([72, 5, 29, 54, 24, 3, 14], 3)
        >>> fit.model, fit.lower < fit.abundance < fit.upper
        ('promedio (aic)', True)
    """
    fits = select_model(
        counts, t, criterion=criterion, heterogeneity=heterogeneity, max_ratio=max_ratio
    ).fits
    n = max(sum(counts), 1)
    usable = [
        f
        for f in fits
        if math.isfinite(f.abundance) and math.isfinite(f.stderr) and f.abundance <= max_ratio * n
    ]
    scores = np.array([getattr(f, criterion) for f in usable])
    weights = np.exp(-(scores - scores.min()) / 2)
    weights /= weights.sum()
    totals = np.array([f.abundance for f in usable])
    mean = float(weights @ totals)
    errors = np.array([f.stderr for f in usable])
    se = float(weights @ np.sqrt(errors**2 + (totals - mean) ** 2))
    z = float(chi2.ppf(1 - alpha, 1) ** 0.5)
    # on the log scale of the unobserved count, as Chao's intervals: never below n
    unseen = max(mean - n, 1e-9)
    c = math.exp(z * math.sqrt(math.log(1 + (se / unseen) ** 2)))
    return Fit(
        model=f"promedio ({criterion})",
        abundance=mean,
        stderr=se,
        deviance=math.nan,
        df=0,
        aic=math.nan,
        bic=math.nan,
        observed=int(n),
        parameters=0,
        lower=n + unseen / c,
        upper=n + unseen * c,
    )
