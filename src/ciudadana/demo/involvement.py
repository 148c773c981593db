"""Who is involved: victims and aggressors drawn from the residents, with their relationship.

Victims are residents of the incident's municipality of the right sex and age band (the profile
of each category); aggressors likewise, related to the victim (partner, ex-partner, relative,
acquaintance, stranger). Intrafamily violence repeats: one incident in five is a new aggression
by the same aggressor on the same victim, and three in ten femicides by a partner end a history
of intrafamily violence already on record. A person killed takes part in nothing afterwards.

Example:
    >>> ICCS_CODES[:2]
    ('0101', '0201.02')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ciudadana.demo.categories import AGE_BANDS, CATEGORIES, FEMICIDE, SEXUAL_ASSAULT
from ciudadana.demo.events import Incidents
from ciudadana.demo.population import Residents, age_on, ymd
from ciudadana.demo.reference import Reference

ICCS_CODES: tuple[str, ...] = tuple(
    dict.fromkeys([c.iccs for c in CATEGORIES] + [FEMICIDE, SEXUAL_ASSAULT])
)
_KEY = {c.key: i for i, c in enumerate(CATEGORIES)}
_AGGRESSOR_BANDS = np.array([0.0, 0.06, 0.50, 0.30, 0.11, 0.03])
_WEAPONS_M = np.array([0.83, 0.10, 0.04, 0.015, 0.015])
_WEAPONS_F = np.array([0.70, 0.12, 0.06, 0.08, 0.04])
_WEAPONS_PARTNER = np.array([0.50, 0.20, 0.08, 0.18, 0.04])


@dataclass
class Involvement:
    """Victims (one row each) and the aggressor of every incident.

    Attributes:
        event: incident index of each victim row (victim rows follow incident order).
        person: resident index of the victim.
        iccs: index into ``ICCS_CODES`` of the offence against this victim.
        age: age of the victim on the day of the incident.
        first: the incident's first (main) victim.
        relation: per incident, index into ``categories.RELATIONS`` (victim to aggressor).
        aggressor: per incident, resident index of the aggressor, -1 when not identified.
        repeat_of: per incident, the earlier incident it repeats (same victim and aggressor), -1.
    """

    event: np.ndarray
    person: np.ndarray
    iccs: np.ndarray
    age: np.ndarray
    first: np.ndarray
    relation: np.ndarray
    aggressor: np.ndarray
    repeat_of: np.ndarray


class Picker:
    """Draw residents by municipality, sex and age band in a given year, vectorised."""

    def __init__(self, residents: Residents, years: range) -> None:
        self.years = years
        n_bands = len(AGE_BANDS)
        self.n_bands = n_bands
        self.tables = []
        by, bm, bd = ymd(residents.birth)
        after_july = (bm > 7) | ((bm == 7) & (bd > 1))
        cell = (residents.muni.astype(np.int16) * 2 + residents.sex).astype(np.int16)
        for year in years:
            age = year - by - after_july
            band = (np.searchsorted(AGE_BANDS, age, side="right") - 1).astype(np.int16)
            self.tables.append(_index(cell * n_bands + band, 340 * 2 * n_bands))
        self.by_sex_muni = _index(cell, 680)
        self.by_sex = _index(residents.sex.astype(np.int16), 2)

    def pick(
        self,
        rng: np.random.Generator,
        year_index: np.ndarray,
        muni: np.ndarray,
        sex: np.ndarray,
        band: np.ndarray,
        wider: int = 0,
    ) -> np.ndarray:
        """Residents of ``muni``, ``sex`` and age ``band`` in the year; ``wider`` drops the band
        (1) or the municipality too (2). Empty cells fall back the same way."""
        out = np.full(len(muni), -1, dtype=np.int32)
        u = rng.random(len(muni))
        for y in np.unique(year_index) if wider == 0 else ():
            sel = np.flatnonzero(year_index == y)
            key = (muni[sel].astype(np.int32) * 2 + sex[sel]) * self.n_bands + band[sel]
            out[sel] = _draw(self.tables[y], key, u[sel])
        fallbacks = (
            (self.by_sex_muni, muni.astype(np.int32) * 2 + sex),
            (self.by_sex, sex.astype(np.int32)),
        )
        for table, key in fallbacks[max(0, wider - 1) :]:
            miss = out < 0
            if miss.any():
                out[miss] = _draw(table, key[miss], u[miss])
        return out


def _index(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(key, kind="stable").astype(np.int32)  # int16 keys: radix sort
    starts = np.searchsorted(key[order], np.arange(size + 1)).astype(np.int64)
    return order, starts


def _draw(table: tuple[np.ndarray, np.ndarray], key: np.ndarray, u: np.ndarray) -> np.ndarray:
    order, starts = table
    count = starts[key + 1] - starts[key]
    pos = starts[key] + np.floor(u * count).astype(np.int64)
    return np.where(count > 0, order[np.minimum(pos, len(order) - 1)], -1)


def draw_involvement(
    ref: Reference,
    rng: np.random.Generator,
    residents: Residents,
    inc: Incidents,
    years: range,
) -> Involvement:
    """Victims, aggressors and relationships of all incidents (changes ``inc.muni`` of repeats)."""
    picker = Picker(residents, years)
    year_of = (inc.day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970) - years[
        0
    ]
    event = np.repeat(np.arange(inc.n, dtype=np.int32), inc.n_victims)
    first = np.ones(len(event), dtype=bool)
    first[1:] = event[1:] != event[:-1]
    cat = inc.category[event]
    female_p = np.array([c.female for c in CATEGORIES])[cat]
    homicide = cat == _KEY["homicidio"]
    years_arr = year_of[event] + years[0]
    female_p[homicide] = [ref.homicide_target(int(y))[1] for y in years_arr[homicide]]
    sex = (rng.random(len(event)) < female_p).astype(np.int8)
    band = np.zeros(len(event), dtype=np.int8)
    for c_index, c in enumerate(CATEGORIES):
        for s, profile in ((0, c.age_m), (1, c.age_f)):
            m = (cat == c_index) & (sex == s)
            p = np.array(profile) / sum(profile)
            band[m] = rng.choice(len(p), size=int(m.sum()), p=p)
    person = picker.pick(rng, year_of[event], inc.muni[event], sex, band)
    main = np.flatnonzero(first)
    relation, aggressor = _aggressors(rng, picker, inc, year_of, sex[main], band[main])
    repeat_of = np.full(inc.n, -1, dtype=np.int32)
    _repeat_vif(rng, inc, person, main, relation, aggressor, repeat_of)
    _femicide_history(rng, inc, person, sex, main, relation, aggressor, repeat_of)
    _resolve_deaths(rng, picker, inc, year_of, event, first, sex, band, person, aggressor)
    age = age_on(residents.birth[person], inc.day[event])
    iccs = _iccs(rng, inc, event, first, sex, relation)
    _weapons(rng, inc, sex[main], relation)
    return Involvement(event, person, iccs, age, first, relation, aggressor, repeat_of)


def _aggressors(
    rng: np.random.Generator,
    picker: Picker,
    inc: Incidents,
    year_of: np.ndarray,
    vsex: np.ndarray,
    vband: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = inc.n
    relation = np.zeros(n, dtype=np.int8)
    known = np.zeros(n, dtype=bool)
    for c_index, c in enumerate(CATEGORIES):
        for s, weights in ((0, c.relation_m), (1, c.relation_f)):
            m = (inc.category == c_index) & (vsex == s)
            p = np.array(weights) / sum(weights)
            relation[m] = rng.choice(len(p), size=int(m.sum()), p=p)
            prob = np.where(relation[m] == 4, c.stranger_identified, c.identified)
            known[m] = rng.random(int(m.sum())) < prob
    partner = relation <= 1
    asex = np.where(
        partner,
        1 - vsex,
        (rng.random(n) < np.where(relation == 2, 0.25, 0.08)).astype(np.int8),
    ).astype(np.int8)
    aband = rng.choice(len(_AGGRESSOR_BANDS), size=n, p=_AGGRESSOR_BANDS).astype(np.int8)
    older = np.minimum(vband + (rng.random(n) < 0.35), len(AGE_BANDS) - 1).astype(np.int8)
    aband = np.where(partner, np.maximum(older, 2), aband).astype(np.int8)
    aggressor = np.full(n, -1, dtype=np.int32)
    idx = np.flatnonzero(known)
    aggressor[idx] = picker.pick(rng, year_of[idx], inc.muni[idx], asex[idx], aband[idx])
    return relation, aggressor


def _repeat_vif(rng, inc, person, main, relation, aggressor, repeat_of) -> None:
    """One VIF incident in five repeats an earlier one: same victim, aggressor and home."""
    vif = np.flatnonzero(inc.category == _KEY["vif"])
    chosen = vif[1:][rng.random(len(vif) - 1) < 0.2] if len(vif) > 1 else vif[:0]
    position = np.searchsorted(vif, chosen)
    picks = np.floor(rng.random(len(chosen)) * position).astype(np.int64)
    for i, j in zip(chosen.tolist(), vif[picks].tolist(), strict=True):
        person[main[i]] = person[main[j]]
        aggressor[i], relation[i], inc.muni[i] = aggressor[j], relation[j], inc.muni[j]
        repeat_of[i] = j if repeat_of[j] < 0 else repeat_of[j]


def _femicide_history(rng, inc, person, sex, main, relation, aggressor, repeat_of) -> None:
    """Three in ten women killed by a partner had denounced him for intrafamily violence."""
    vif = np.flatnonzero(
        (inc.category == _KEY["vif"]) & (sex[main] == 1) & (relation <= 1) & (aggressor >= 0)
    )
    targets = np.flatnonzero(
        (inc.category == _KEY["homicidio"]) & (sex[main] == 1) & (relation <= 1)
    )
    targets = targets[rng.random(len(targets)) < 0.3]
    used: set[int] = set()
    for t in targets.tolist():
        k = int(np.searchsorted(inc.day[vif], inc.day[t]))
        if k == 0:
            continue
        j = int(vif[int(rng.integers(k))])
        victim = int(person[main[j]])
        if victim in used:
            continue
        used.add(victim)
        person[main[t]] = victim
        aggressor[t], relation[t], inc.muni[t] = aggressor[j], relation[j], inc.muni[j]


def _resolve_deaths(rng, picker, inc, year_of, event, first, sex, band, person, aggressor) -> None:
    """Redraw anyone who takes part in an incident after being killed (or is killed twice)."""
    homicide = inc.category[event] == _KEY["homicidio"]
    day = inc.day[event]
    for attempt in range(60):
        wider = min(2, attempt // 10)
        death = np.full(int(max(person.max(), aggressor.max())) + 1, 2**31 - 1, dtype=np.int64)
        np.minimum.at(death, person[homicide], day[homicide])
        hom_rows = np.flatnonzero(homicide)
        _, first_seen = np.unique(person[hom_rows], return_index=True)
        twice = np.zeros(len(person), dtype=bool)
        twice[hom_rows] = True
        twice[hom_rows[first_seen]] = False
        bad_v = twice | (death[person] < day)
        main_person = person[first]
        bad_a = (aggressor >= 0) & (
            (death[np.maximum(aggressor, 0)] < inc.day) | (aggressor == main_person)
        )
        if not bad_v.any() and not bad_a.any():
            return
        rows = np.flatnonzero(bad_v)
        e = event[rows]
        person[rows] = picker.pick(rng, year_of[e], inc.muni[e], sex[rows], band[rows], wider)
        rows = np.flatnonzero(bad_a)
        asex = (rng.random(len(rows)) < 0.1).astype(np.int8)
        aband = rng.choice(6, size=len(rows), p=_AGGRESSOR_BANDS).astype(np.int8)
        aggressor[rows] = picker.pick(rng, year_of[rows], inc.muni[rows], asex, aband, wider)
    raise RuntimeError("could not place victims without contradictions; raise persons")


def _iccs(rng, inc, event, first, sex, relation) -> np.ndarray:
    code = {c: i for i, c in enumerate(ICCS_CODES)}
    base = np.array([code[c.iccs] for c in CATEGORIES], dtype=np.int8)
    iccs = base[inc.category[event]]
    homicide = inc.category[event] == _KEY["homicidio"]
    close = relation[event] <= 2
    p = np.where(first, np.where(close, 0.95, 0.12), np.where(close, 0.3, 0.1))
    femicide = homicide & (sex == 1) & (rng.random(len(event)) < p)
    iccs[femicide] = code[FEMICIDE]
    sexual = np.flatnonzero(inc.category == _KEY["violencia_sexual"])
    assault = np.zeros(inc.n, dtype=bool)
    assault[sexual[rng.random(len(sexual)) < 1 / 3]] = True
    iccs[assault[event]] = code[SEXUAL_ASSAULT]
    return iccs


def _weapons(rng, inc, vsex, relation) -> None:
    hom = inc.category == _KEY["homicidio"]
    for mask, p in (
        (hom & (vsex == 0), _WEAPONS_M),
        (hom & (vsex == 1) & (relation > 1), _WEAPONS_F),
        (hom & (vsex == 1) & (relation <= 1), _WEAPONS_PARTNER),
    ):
        inc.weapon[mask] = rng.choice(len(p), size=int(mask.sum()), p=p)
