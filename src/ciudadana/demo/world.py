"""The one synthetic reality every institution's export is drawn from.

Example:
    >>> w = build_world(seed=1, persons=5_000, years=range(2019, 2021))
    >>> w.residents.n, w.incidents.n > 0
    (5000, True)
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.coverage import Coverage, draw_coverage
from ciudadana.demo.events import Incidents, draw_incidents, expected_victims
from ciudadana.demo.involvement import Involvement, draw_involvement
from ciudadana.demo.names import NamePools, name_pools
from ciudadana.demo.places import (
    Hotspot,
    Outbreak,
    choose_hotspots,
    choose_outbreaks,
    place_points,
    risk_weights,
)
from ciudadana.demo.population import Residents, day_number, make_residents, population_table
from ciudadana.demo.reference import Reference, load_reference


def rng_for(seed: int, part: str) -> np.random.Generator:
    """An independent, reproducible generator for one part of the simulation."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(part.encode())]))


@dataclass
class World:
    """Residents, incidents, victims and aggressors, and what each source saw."""

    seed: int
    years: range
    ref: Reference
    pools: NamePools
    residents: Residents
    pop_table: np.ndarray
    incidents: Incidents
    involvement: Involvement
    coverage: Coverage
    hotspots: list[Hotspot]
    outbreaks: list[Outbreak]
    people: dict[int, Any] = field(default_factory=dict)  # resident index -> exports' Person

    @property
    def first_day(self) -> int:
        return day_number(dt.date(self.years[0], 1, 1))

    @property
    def last_day(self) -> int:
        return day_number(dt.date(self.years[-1], 12, 31))


def build_world(
    seed: int, persons: int, years: range, n_hotspots: int = 20, n_outbreaks: int = 6
) -> World:
    """Draw the whole reality: residents, places, incidents, people involved, coverage."""
    ref = load_reference()
    residents = make_residents(ref, persons, years[0], rng_for(seed, "residents"))
    pop_table = population_table(ref, persons, years)
    first = day_number(dt.date(years[0], 1, 1))
    last = day_number(dt.date(years[-1], 12, 31))
    mid = pop_table[len(years) // 2].sum(axis=(1, 2)).astype(float)
    mid_year = years[len(years) // 2]
    expected = {
        c.key: risk_weights(ref, c, mid) * expected_victims(ref, c, mid_year, mid.sum())
        for c in CATEGORIES
    }
    rng = rng_for(seed, "places")
    hotspots = choose_hotspots(ref, rng, n_hotspots)
    outbreaks = choose_outbreaks(ref, rng, n_outbreaks, first, last, expected)
    incidents = draw_incidents(ref, rng_for(seed, "incidents"), pop_table, years, outbreaks)
    involvement = draw_involvement(ref, rng_for(seed, "people"), residents, incidents, years)
    lat, lon, spot = place_points(
        ref, rng_for(seed, "points"), hotspots, incidents.category, incidents.muni
    )
    incidents.lat, incidents.lon, incidents.hotspot = lat, lon, spot
    woman = np.zeros(incidents.n, dtype=bool)
    main = np.flatnonzero(involvement.first)
    woman[involvement.event[main]] = residents.sex[involvement.person[main]] == 1
    coverage = draw_coverage(rng_for(seed, "coverage"), incidents, involvement, woman, last)
    return World(
        seed=seed,
        years=years,
        ref=ref,
        pools=name_pools(),
        residents=residents,
        pop_table=pop_table,
        incidents=incidents,
        involvement=involvement,
        coverage=coverage,
        hotspots=hotspots,
        outbreaks=outbreaks,
    )
