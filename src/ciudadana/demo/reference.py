"""The reference data the simulator draws from: territory, population, pueblos, names, calibration.

Everything is read from files shipped in the package (``demo/data/`` and the GTM territory pack),
never from outside it, so a fresh clone simulates the same country.

Example:
    >>> ref = load_reference()
    >>> len(ref.muni_codes), ref.muni_codes[0], ref.dept_names[0]
    (340, '0101', 'Guatemala')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ciudadana.standards.territory import load_pack

#: The self-identification categories of the 2018 census, in the order of ``Reference.pueblo``.
PUEBLOS: tuple[str, ...] = (
    "Maya",
    "Garífuna",
    "Xinka",
    "Afrodescendiente",
    "Ladino",
    "Extranjero",
)
#: Years covered by the municipal projections shipped in ``municipalities.csv``.
PROJECTION_YEARS: tuple[int, ...] = (2016, 2017, 2018, 2019, 2020)
MAX_AGE = 100


@dataclass(frozen=True)
class Reference:
    """Arrays indexed by municipality (340, INE order) and small lookup tables.

    Attributes:
        muni_codes: INE codes ``DDMM``.
        muni_names: official names.
        muni_aliases: other spellings known to the territory pack, per municipality.
        muni_dept: index (0-21) of each municipality's department.
        dept_codes: ``"01"`` .. ``"22"``.
        dept_names: official department names.
        lat, lon: municipality centroids (WGS84).
        pop: projected population, shape (340, 2 sexes [men, women], 5 years 2016-2020).
        pueblo: share of each pueblo (columns as ``PUEBLOS``), shape (340, 6).
        rural: share of rural population.
        crime, vaw, vif: UNHCR A2SIT rates per 100,000 (crimes, violence against women,
            intrafamily violence), used as relative risks.
        age: single-year age distribution by department and sex, shape (22, 2, MAX_AGE + 1).
        homicide: calibration per year: ``{year: (rate per 100,000, share of women)}``.
    """

    muni_codes: tuple[str, ...]
    muni_names: tuple[str, ...]
    muni_aliases: tuple[tuple[str, ...], ...]
    muni_dept: np.ndarray
    dept_codes: tuple[str, ...]
    dept_names: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray
    pueblo: np.ndarray
    rural: np.ndarray
    crime: np.ndarray
    vaw: np.ndarray
    vif: np.ndarray
    age: np.ndarray
    homicide: dict[int, tuple[float, float]]

    def population(self, year: int) -> np.ndarray:
        """Projected population by municipality and sex for ``year``, shape (340, 2).

        Years outside 2016-2020 follow each municipality's mean growth of 2016-2020.
        """
        first, last = PROJECTION_YEARS[0], PROJECTION_YEARS[-1]
        if first <= year <= last:
            return self.pop[:, :, year - first]
        growth = (self.pop[:, :, -1] / self.pop[:, :, 0]) ** (1 / (last - first))
        base, offset = (
            (self.pop[:, :, 0], year - first)
            if year < first
            else (
                self.pop[:, :, -1],
                year - last,
            )
        )
        return base * growth**offset

    def homicide_target(self, year: int) -> tuple[float, float]:
        """Rate per 100,000 and share of women among victims (years outside the table clamp)."""
        years = sorted(self.homicide)
        return self.homicide[min(max(year, years[0]), years[-1])]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ciudadana.demo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _divisions() -> list[tuple[str, int, str, str, tuple[str, ...], float, float]]:
    pack = load_pack("GTM")
    return [
        (d.code, d.level, d.name, d.parent_code or "", tuple(d.aliases), d.lat, d.lon)
        for d in pack.divisions.values()
    ]


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """Read the shipped reference tables (cached: they never change within a process)."""
    divisions = _divisions()
    depts = sorted((d for d in divisions if d[1] == 1), key=lambda d: d[0])
    munis = sorted((d for d in divisions if d[1] == 2), key=lambda d: d[0])
    dept_index = {d[0]: i for i, d in enumerate(depts)}
    rows = {r["codigo"]: r for r in _read_csv("municipalities.csv")}
    codes = tuple(m[0] for m in munis)
    missing = [c for c in codes if c not in rows]
    if missing or len(codes) != 340:
        raise RuntimeError(f"territory pack and demo/data/municipalities.csv disagree: {missing}")

    def column(name: str) -> np.ndarray:
        return np.array([float(rows[c][name]) for c in codes])

    pop = np.stack(
        [
            np.stack([column(f"{sex}_{y}") for y in PROJECTION_YEARS], axis=1)
            for sex in ("hombres", "mujeres")
        ],
        axis=1,
    )
    pueblo = np.stack(
        [
            column(c)
            for c in ("maya", "garifuna", "xinka", "afrodescendiente", "ladina", "extranjera")
        ],
        axis=1,
    )
    pueblo = pueblo / pueblo.sum(axis=1, keepdims=True)
    return Reference(
        muni_codes=codes,
        muni_names=tuple(m[2] for m in munis),
        muni_aliases=tuple(m[4] for m in munis),
        muni_dept=np.array([dept_index[m[3]] for m in munis], dtype=np.int16),
        dept_codes=tuple(d[0] for d in depts),
        dept_names=tuple(d[2] for d in depts),
        lat=np.array([m[5] for m in munis]),
        lon=np.array([m[6] for m in munis]),
        pop=pop,
        pueblo=pueblo,
        rural=column("rural"),
        crime=column("delitos_100k"),
        vaw=column("violencia_mujer_100k"),
        vif=column("vif_100k"),
        age=_age_structure(len(depts)),
        homicide={
            int(r["anio"]): (float(r["tasa_100k"]), float(r["proporcion_mujeres"]))
            for r in _read_csv("calibration_homicide.csv")
        },
    )


def _age_structure(n_depts: int) -> np.ndarray:
    """Single ages 0-100 by department and sex; the open group 65+ spread with a decay of 9%."""
    age = np.zeros((n_depts, 2, MAX_AGE + 1))
    tail = 0.91 ** np.arange(MAX_AGE + 1 - 65)
    tail = tail / tail.sum()
    for r in _read_csv("age_structure.csv"):
        d, s = int(r["departamento"]) - 1, 0 if r["sexo"] == "hombres" else 1
        share = float(r["proporcion"])
        if r["edad"] == "65+":
            age[d, s, 65:] = share * tail
        else:
            age[d, s, int(r["edad"])] = share
    return age / age.sum(axis=2, keepdims=True)


def given_name_table() -> list[dict[str, str]]:
    """Rows of ``given_names.csv``: nombre, sexo (F/M), posicion (1/2), peso."""
    return _read_csv("given_names.csv")


def surname_table() -> list[dict[str, str]]:
    """Rows of ``surnames.csv``: apellido and a weight per naming tradition."""
    return _read_csv("surnames.csv")
