"""Where events happen: hotspots, injected outbreaks and exact points.

Hotspots are small places (a market, a bus terminal, a colony) that concentrate a share of some
categories of their municipality; outbreaks are short bursts of extra events of one category in
one municipality. Both are kept as truth, so a hotspot or early-warning method can be scored.

Example:
    >>> import numpy as np
    >>> from ciudadana.demo.reference import load_reference
    >>> hs = choose_hotspots(load_reference(), np.random.default_rng(1), 5)
    >>> len(hs), hs[0].id
    (5, 'HS01')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ciudadana.demo.categories import CATEGORIES, Category
from ciudadana.demo.reference import Reference

PLACE_KINDS: tuple[str, ...] = (
    "Mercado municipal",
    "Terminal de buses",
    "Parque central",
    "Colonia La Esperanza",
    "Calzada principal",
    "Centro comercial",
    "Colonia El Milagro",
    "Asentamiento Las Flores",
    "Barrio El Centro",
    "Parada de la ruta al Atlántico",
)
HOTSPOT_SD_DEG = 0.0015  # about 165 m
MUNICIPALITY_SD_DEG = 0.025  # about 2.8 km around the centroid
OUTBREAK_CATEGORIES = ("homicidio", "extorsion", "robo", "vif", "robo_vehiculo", "desaparicion")


@dataclass(frozen=True)
class Hotspot:
    """A place that concentrates ``share`` of the listed categories of its municipality."""

    id: str
    name: str
    muni: int
    lat: float
    lon: float
    categories: tuple[str, ...]
    share: float


@dataclass(frozen=True)
class Outbreak:
    """Extra events of one category in one municipality between two days (inclusive)."""

    id: str
    category: str
    muni: int
    start: int
    end: int
    size: int
    baseline: float


def risk_weights(ref: Reference, category: Category, population: np.ndarray) -> np.ndarray:
    """Relative chance that an event of ``category`` falls in each municipality."""
    name, exponent = category.risk
    index = getattr(ref, name)
    risk = (index + 0.1 * np.median(index)) / np.median(index)
    w = population * risk**exponent
    return w / w.sum()


def choose_hotspots(ref: Reference, rng: np.random.Generator, n: int) -> list[Hotspot]:
    """Draw ``n`` hotspots in municipalities weighted by population times crime."""
    pop = ref.population(2018).sum(axis=1)
    w = pop * (ref.crime + 1) ** 1.5
    munis = rng.choice(len(w), size=n, p=w / w.sum())
    candidates = [c.key for c in CATEGORIES if c.hotspot and c.key != "homicidio"]
    out = []
    for i, m in enumerate(munis):
        extra = rng.choice(candidates, size=int(rng.integers(1, 4)), replace=False)
        kind = PLACE_KINDS[int(rng.integers(len(PLACE_KINDS)))]
        out.append(
            Hotspot(
                id=f"HS{i + 1:02d}",
                name=f"{kind}, {ref.muni_names[m]}",
                muni=int(m),
                lat=round(float(ref.lat[m] + rng.normal(0, 0.012)), 6),
                lon=round(float(ref.lon[m] + rng.normal(0, 0.012)), 6),
                categories=("homicidio", *sorted(str(c) for c in extra)),
                share=round(float(rng.uniform(0.25, 0.5)), 3),
            )
        )
    return out


def choose_outbreaks(
    ref: Reference,
    rng: np.random.Generator,
    n: int,
    first_day: int,
    last_day: int,
    expected: dict[str, np.ndarray],
) -> list[Outbreak]:
    """Draw ``n`` outbreaks; ``expected[category]`` is the yearly expected count by municipality.

    Each outbreak adds three times the municipality's expected count over its window, at least 6.
    """
    pop = ref.population(2018).sum(axis=1)
    big = pop / pop.sum() >= 0.002
    out = []
    order = rng.permutation(len(OUTBREAK_CATEGORIES))
    for i in range(n):
        key = OUTBREAK_CATEGORIES[order[i % len(order)]]
        w = np.where(big, expected[key], 0.0)
        m = int(rng.choice(len(w), p=w / w.sum()))
        weeks = int(rng.integers(4, 11))
        start = int(rng.integers(first_day + 90, max(first_day + 91, last_day - 7 * weeks - 30)))
        baseline = float(expected[key][m]) * weeks / 52.0
        out.append(
            Outbreak(
                id=f"BR{i + 1:02d}",
                category=key,
                muni=m,
                start=start,
                end=start + 7 * weeks - 1,
                size=max(6, round(3 * baseline)),
                baseline=round(baseline, 3),
            )
        )
    return out


def place_points(
    ref: Reference,
    rng: np.random.Generator,
    hotspots: list[Hotspot],
    category: np.ndarray,
    muni: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact points of incidents: at a hotspot for its share, else around the centroid.

    Returns latitude, longitude and the hotspot index (-1 when not at a hotspot).
    """
    n = len(muni)
    hotspot = np.full(n, -1, dtype=np.int16)
    keys = [c.key for c in CATEGORIES]
    for h, spot in enumerate(hotspots):
        cats = [keys.index(c) for c in spot.categories]
        cand = (muni == spot.muni) & np.isin(category, cats) & (hotspot < 0)
        hotspot[cand & (rng.random(n) < spot.share)] = h
    lat = ref.lat[muni] + rng.normal(0, MUNICIPALITY_SD_DEG, n)
    lon = ref.lon[muni] + rng.normal(0, MUNICIPALITY_SD_DEG, n)
    at = hotspot >= 0
    if at.any():
        hlat = np.array([s.lat for s in hotspots])
        hlon = np.array([s.lon for s in hotspots])
        lat[at] = hlat[hotspot[at]] + rng.normal(0, HOTSPOT_SD_DEG, int(at.sum()))
        lon[at] = hlon[hotspot[at]] + rng.normal(0, HOTSPOT_SD_DEG, int(at.sum()))
    return np.round(lat, 6), np.round(lon, 6), hotspot
