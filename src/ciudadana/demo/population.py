"""The residents of the synthetic country and the population table that matches them.

``persons`` residents are materialised on 1 July of the first year: municipality and sex follow
the municipal projections, age the department's age pyramid, pueblo the municipality's census
shares. The population table for every year is the projection scaled so that the first year sums
to ``persons``; event rates use it as denominator, so simulated rates are consistent with it.

Example:
    >>> import numpy as np
    >>> from ciudadana.demo.reference import load_reference
    >>> r = make_residents(load_reference(), 1000, 2015, np.random.default_rng(1))
    >>> r.n, int(r.sex.max())
    (1000, 1)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ciudadana.demo.names import NameArrays, cui_numbers, draw_names
from ciudadana.demo.reference import MAX_AGE, Reference

EPOCH = dt.date(1970, 1, 1)
#: Five-year age groups of the population table and of the true counts.
AGE_GROUPS: tuple[str, ...] = tuple(f"{a:02d}-{a + 4:02d}" for a in range(0, 80, 5)) + ("80+",)
SEXES: tuple[str, ...] = ("hombre", "mujer")


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01 (the simulator's integer dates)."""
    return (date - EPOCH).days


def age_group_index(age: np.ndarray) -> np.ndarray:
    """Index into ``AGE_GROUPS`` of each age in years."""
    return np.minimum(np.asarray(age) // 5, len(AGE_GROUPS) - 1)


def age_on(birth: np.ndarray, day: np.ndarray | int) -> np.ndarray:
    """Completed years of age on ``day`` (integer day numbers), vectorised."""
    b = np.asarray(birth).astype("datetime64[D]")
    d = np.asarray(day).astype("datetime64[D]")
    by, bm, bd = ymd(b)
    yy, mm, dd = ymd(d)
    before = (mm < bm) | ((mm == bm) & (dd < bd))
    return (yy - by - before).astype(np.int16)


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of integer day numbers (or datetime64[D]), vectorised."""
    days = np.asarray(days).astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    y = years.astype(int) + 1970
    m = (months - years.astype("datetime64[M]")).astype(int) + 1
    d = (days - months.astype("datetime64[D]")).astype(int) + 1
    return y, m, d


@dataclass
class Residents:
    """Every materialised resident (index = person id - 1).

    Attributes:
        muni: municipality index of residence (0-339).
        sex: 0 man, 1 woman.
        birth: date of birth as a day number.
        pueblo: index into ``reference.PUEBLOS``.
        names: name indices (see ``names.NameArrays``).
        cui: 13-digit CUI as an integer (zero-pad to 13 to print).
        cui_muni: municipality index of registration (the CUI's last four digits).
    """

    muni: np.ndarray
    sex: np.ndarray
    birth: np.ndarray
    pueblo: np.ndarray
    names: NameArrays
    cui: np.ndarray
    cui_muni: np.ndarray

    @property
    def n(self) -> int:
        return len(self.muni)


def make_residents(
    ref: Reference, persons: int, first_year: int, rng: np.random.Generator
) -> Residents:
    """Draw ``persons`` residents on 1 July of ``first_year`` (vectorised)."""
    pop = ref.population(first_year)
    cell = rng.choice(pop.size, size=persons, p=(pop / pop.sum()).ravel())
    muni, sex = (cell // 2).astype(np.int16), (cell % 2).astype(np.int8)
    age = np.empty(persons, dtype=np.int16)
    group = (ref.muni_dept[muni] * 2 + sex).astype(np.int16)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(ref.dept_codes) * 2 + 1))
    for g in range(len(ref.dept_codes) * 2):
        members = order[bounds[g] : bounds[g + 1]]
        age[members] = rng.choice(MAX_AGE + 1, size=len(members), p=ref.age[g // 2, g % 2])
    ref_day = day_number(dt.date(first_year, 7, 1))
    birth = (ref_day - np.floor((age + rng.random(persons)) * 365.25)).astype(np.int32)
    cum = np.cumsum(ref.pueblo[muni], axis=1)
    pueblo = (rng.random(persons)[:, None] > cum[:, :-1]).sum(axis=1).astype(np.int8)
    names = draw_names(rng, sex, pueblo, age)
    moved = rng.random(persons) < 0.15
    share = pop.sum(axis=1) / pop.sum()
    cui_muni = np.where(moved, rng.choice(len(share), size=persons, p=share), muni).astype(np.int16)
    codes = np.array([int(c) for c in ref.muni_codes], dtype=np.int64)
    cui = cui_numbers(rng, persons, codes[cui_muni])
    return Residents(muni, sex, birth, pueblo, names, cui, cui_muni)


def population_table(ref: Reference, persons: int, years: range) -> np.ndarray:
    """Population by year, municipality, sex and age group, shape (years, 340, 2, 17), integers.

    The municipal projection of each year times the department's age structure, scaled so the
    first year totals ``persons``.
    """
    scale = persons / ref.population(years[0]).sum()
    n_groups = len(AGE_GROUPS)
    single = np.arange(MAX_AGE + 1)
    groups = age_group_index(single)
    shares = np.zeros(ref.age.shape[:2] + (n_groups,))
    for g in range(n_groups):
        shares[:, :, g] = ref.age[:, :, groups == g].sum(axis=2)
    by_muni = shares[ref.muni_dept]  # (340, 2, 17)
    table = np.stack([ref.population(y)[:, :, None] * scale * by_muni for y in years])
    return np.rint(table).astype(np.int64)
