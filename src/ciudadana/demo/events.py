"""Incidents: how many, when, where, with how many victims (vectorised per category and year).

Counts are Poisson around ``rate x population / 100,000`` of the simulated population table, so
they scale with ``persons``; homicide follows the calibration table, the others a 2018 level and
a trend. Months follow a seasonal profile (April-December 2020 carry the pandemic dip), hours a
profile per category, municipalities the population times the category's municipal risk index.

Example:
    >>> import numpy as np
    >>> month_days(2020)[:3]
    [31, 29, 31]
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from ciudadana.demo.categories import CATEGORIES, Category
from ciudadana.demo.places import Outbreak, risk_weights
from ciudadana.demo.population import day_number
from ciudadana.demo.reference import Reference


@dataclass
class Incidents:
    """One row per incident, sorted by day and minute (index + 1 = event id).

    Attributes:
        category: index into ``categories.CATEGORIES``.
        day: day number of occurrence; minute: minute of the day (0-1439).
        muni: municipality index; lat, lon: exact point; hotspot: index or -1.
        outbreak: index into the outbreak list or -1.
        n_victims: victims in the incident.
        weapon: index into ``categories.WEAPONS`` (homicide) or -1.
    """

    category: np.ndarray
    day: np.ndarray
    minute: np.ndarray
    muni: np.ndarray
    outbreak: np.ndarray
    n_victims: np.ndarray
    weapon: np.ndarray
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    hotspot: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.day)

    def take(self, order: np.ndarray) -> Incidents:
        return Incidents(
            **{k: (v[order] if v is not None else None) for k, v in vars(self).items()}
        )


def month_days(year: int) -> list[int]:
    """Number of days in each month of ``year``."""
    return [calendar.monthrange(year, m)[1] for m in range(1, 13)]


def month_weights(category: Category, year: int) -> np.ndarray:
    """Seasonal weight of each month, with the pandemic multiplier from April 2020."""
    w = np.array(category.season, dtype=float)
    if year == 2020:
        w[3:] *= category.covid
    return w


def expected_victims(ref: Reference, category: Category, year: int, population: float) -> float:
    """Expected victims in ``year`` for a simulated population of ``population``."""
    if category.key == "homicidio":
        return ref.homicide_target(year)[0] * population / 1e5
    season = np.array(category.season)
    dip = month_weights(category, year).sum() / season.sum()
    return category.rate(year) * population / 1e5 * dip


def draw_incidents(
    ref: Reference,
    rng: np.random.Generator,
    pop_table: np.ndarray,
    years: range,
    outbreaks: list[Outbreak],
) -> Incidents:
    """Draw every incident of every category and year, plus the outbreaks' extra events."""
    parts: list[dict[str, np.ndarray]] = []
    for c_index, cat in enumerate(CATEGORIES):
        for y_index, year in enumerate(years):
            by_muni = pop_table[y_index].sum(axis=(1, 2)).astype(float)
            mean = expected_victims(ref, cat, year, by_muni.sum()) / cat.mean_victims
            n = int(rng.poisson(mean))
            months = rng.choice(12, size=n, p=_norm(month_weights(cat, year)))
            starts = np.array([day_number(dt.date(year, m + 1, 1)) for m in range(12)])
            lengths = np.array(month_days(year))
            day = starts[months] + (rng.random(n) * lengths[months]).astype(np.int32)
            muni = rng.choice(len(by_muni), size=n, p=risk_weights(ref, cat, by_muni))
            parts.append(_part(rng, c_index, day, muni, -1))
    for o_index, ob in enumerate(outbreaks):
        c_index = [c.key for c in CATEGORIES].index(ob.category)
        day = rng.integers(ob.start, ob.end + 1, size=ob.size)
        parts.append(_part(rng, c_index, day, np.full(ob.size, ob.muni), o_index))
    merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    inc = Incidents(**merged)
    order = np.lexsort((inc.muni, inc.category, inc.minute, inc.day))
    return inc.take(order)


def _part(
    rng: np.random.Generator, c_index: int, day: np.ndarray, muni: np.ndarray, outbreak: int
) -> dict[str, np.ndarray]:
    cat = CATEGORIES[c_index]
    n = len(day)
    block = rng.choice(6, size=n, p=_norm(np.array(cat.hours, dtype=float)))
    minute = (block * 240 + rng.integers(0, 240, size=n)).astype(np.int16)
    victims = 1 + rng.choice(len(cat.extra_victims), size=n, p=_norm(np.array(cat.extra_victims)))
    return {
        "category": np.full(n, c_index, dtype=np.int8),
        "day": np.asarray(day, dtype=np.int32),
        "minute": minute,
        "muni": np.asarray(muni, dtype=np.int16),
        "outbreak": np.full(n, outbreak, dtype=np.int16),
        "n_victims": victims.astype(np.int8),
        "weapon": np.full(n, -1, dtype=np.int8),  # drawn with the victims
    }


def _norm(w: np.ndarray) -> np.ndarray:
    return w / w.sum()
