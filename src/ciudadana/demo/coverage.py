"""Which institution saw what, and when it wrote it down.

Every incident is recorded, or not, by the police (PNC) and the prosecutor (MP) with a probability
that depends on its category; every homicide victim reaches the forensic institute (INACIF) with
probability 0.985; every intrafamily-violence victim reaches the statistics office's VIF forms
(INE) with probability 0.72; a judge issues protection orders for some intrafamily and sexual
violence; some MP cases with a known accused reach the courts (OJ) and end in a ruling. The draws
are independent given the category, so the number of incidents nobody recorded is known.

Example:
    >>> COVERAGE["homicidio"].pnc
    0.96
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.events import Incidents
from ciudadana.demo.involvement import Involvement


@dataclass(frozen=True)
class Rates:
    """Probability that each institution records an incident of a category."""

    pnc: float
    mp: float
    court: float  # of MP cases with an identified accused
    protection: float = 0.0  # of incidents with an identified aggressor (x 0.3 for men)


COVERAGE: dict[str, Rates] = {
    "homicidio": Rates(pnc=0.96, mp=0.93, court=0.30),
    "vif": Rates(pnc=0.30, mp=0.72, court=0.25, protection=0.35),
    "violencia_sexual": Rates(pnc=0.25, mp=0.80, court=0.35, protection=0.10),
    "extorsion": Rates(pnc=0.45, mp=0.70, court=0.40),
    "robo": Rates(pnc=0.55, mp=0.30, court=0.20),
    "robo_vehiculo": Rates(pnc=0.80, mp=0.45, court=0.10),
    "desaparicion": Rates(pnc=0.65, mp=0.55, court=0.05),
}
INACIF_COVERAGE = 0.985
INE_VIF_COVERAGE = 0.72
VERDICTS: tuple[str, ...] = (
    "CONDENATORIA",
    "ABSOLUTORIA",
    "SOBRESEIMIENTO",
    "CLAUSURA PROVISIONAL",
)
_VERDICT_P = np.array([0.6, 0.25, 0.1, 0.05])


@dataclass
class Coverage:
    """What each source saw (masks) and its dates (day numbers).

    Attributes:
        pnc, mp, protection, court: per incident.
        inacif, ine: per victim row (homicide victims, VIF victims).
        mp_day: MP date of registration per incident (late for some).
        ine_day: INE date of registration per victim row.
        inacif_day: date of autopsy per victim row; death_day: date of death per victim row.
        protection_day: date the order was issued per incident.
        court_day, ruling_day: dates the case entered court and was decided (-1: pending).
        verdict: index into ``VERDICTS`` (-1: pending); sentence: years of prison (0: none).
    """

    pnc: np.ndarray
    mp: np.ndarray
    protection: np.ndarray
    court: np.ndarray
    inacif: np.ndarray
    ine: np.ndarray
    mp_day: np.ndarray
    ine_day: np.ndarray
    inacif_day: np.ndarray
    death_day: np.ndarray
    protection_day: np.ndarray
    court_day: np.ndarray
    ruling_day: np.ndarray
    verdict: np.ndarray
    sentence: np.ndarray

    def recorded(self, inv: Involvement) -> np.ndarray:
        """Incidents that at least one source recorded."""
        seen = self.pnc | self.mp | self.protection | self.court
        for mask in (self.inacif, self.ine):
            np.logical_or.at(seen, inv.event[mask], True)
        return seen


def _lag(rng: np.random.Generator, n: int, late_share: float) -> np.ndarray:
    """Days between a fact and its registration: mostly 0-2, some weeks, a few very late."""
    lag = rng.geometric(0.55, size=n) - 1
    weeks = rng.random(n) < 0.2
    lag[weeks] = rng.integers(3, 45, size=int(weeks.sum()))
    late = rng.random(n) < late_share
    lag[late] = rng.integers(61, 420, size=int(late.sum()))
    return lag.astype(np.int32)


def draw_coverage(
    rng: np.random.Generator,
    inc: Incidents,
    inv: Involvement,
    woman: np.ndarray,
    last_day: int,
) -> Coverage:
    """Draw what each institution recorded and when.

    ``woman`` marks incidents whose main victim is a woman (protection orders are rarer for men).
    """
    n = inc.n
    keys = [c.key for c in CATEGORIES]
    rate = {
        f: np.array([getattr(COVERAGE[k], f) for k in keys]) for f in Rates.__dataclass_fields__
    }
    cat = inc.category
    pnc = rng.random(n) < rate["pnc"][cat]
    mp = rng.random(n) < rate["mp"][cat]
    p_order = rate["protection"][cat] * np.where(woman, 1.0, 0.3)
    protection = (rng.random(n) < p_order) & (inv.aggressor >= 0)
    court = mp & (inv.aggressor >= 0) & (rng.random(n) < rate["court"][cat])
    homicide = cat[inv.event] == keys.index("homicidio")
    vif = cat[inv.event] == keys.index("vif")
    rows = len(inv.event)
    inacif = homicide & (rng.random(rows) < INACIF_COVERAGE)
    ine = vif & (rng.random(rows) < INE_VIF_COVERAGE)
    day = inc.day
    mp_day = day + _lag(rng, n, 0.04)
    ine_day = day[inv.event] + _lag(rng, rows, 0.03)
    hospital = rng.random(rows) < 0.12
    death_day = day[inv.event] + np.where(hospital, rng.integers(1, 6, size=rows), 0)
    inacif_day = death_day + rng.choice(3, size=rows, p=[0.55, 0.35, 0.10])
    protection_day = day + rng.integers(1, 16, size=n)
    court_day = mp_day + rng.integers(20, 200, size=n)
    ruling_day = court_day + rng.integers(60, 900, size=n)
    pending = ~court | (ruling_day > last_day)
    verdict = np.where(pending, -1, rng.choice(len(VERDICTS), size=n, p=_VERDICT_P))
    ruling_day = np.where(pending, -1, ruling_day)
    lo = np.array([25, 5, 8, 6, 6, 2, 1])[cat]
    hi = np.array([50, 12, 16, 12, 12, 6, 3])[cat]
    sentence = np.where(verdict == 0, rng.integers(lo, hi + 1), 0)
    return Coverage(
        pnc=pnc,
        mp=mp,
        protection=protection,
        court=court,
        inacif=inacif,
        ine=ine,
        mp_day=mp_day.astype(np.int32),
        ine_day=ine_day.astype(np.int32),
        inacif_day=inacif_day.astype(np.int32),
        death_day=death_day.astype(np.int32),
        protection_day=protection_day.astype(np.int32),
        court_day=np.where(court, court_day, -1).astype(np.int32),
        ruling_day=ruling_day.astype(np.int32),
        verdict=verdict.astype(np.int8),
        sentence=sentence.astype(np.int16),
    )
