"""The kinds of events the simulator draws, with their ICCS codes and behaviour.

Levels are victims per 100,000 inhabitants a year. Homicide follows the yearly calibration table
(``data/calibration_homicide.csv``); the other categories have a level in 2018 and a yearly trend
chosen by us to be of the order Guatemalan institutions report (see ``data/SOURCES.md``).

ICCS codes (strings, ICCS v1.0 plus the national extensions of ``standards/data/iccs.csv``):

===================== ========== ===============================================================
category              ICCS       note
===================== ========== ===============================================================
homicidio             0101       intentional homicide; the victim's code is 0101.01 (femicide)
                                 when the circumstances meet Decree 22-2008
vif                   0201.02    intrafamily violence (national extension; ICCS treats the
                                 relationship as a disaggregation of assault 02011)
violencia_sexual      03011      rape; one in three is drawn as 03012 sexual assault
extorsion             02051      extortion or blackmail
robo                  04011      robbery from the person
robo_vehiculo         050211     theft of a land motor vehicle
desaparicion          02022      deprivation of liberty (missing persons reported to police or MP)
===================== ========== ===============================================================
"""

from __future__ import annotations

from dataclasses import dataclass

#: Coarse age bands used to draw victims and aggressors (lower bounds, years).
AGE_BANDS: tuple[int, ...] = (0, 13, 18, 30, 45, 60)
RELATIONS: tuple[str, ...] = ("pareja", "expareja", "familiar", "conocido", "desconocido")
WEAPONS: tuple[str, ...] = ("arma_fuego", "arma_blanca", "contundente", "estrangulamiento", "otra")

FEMICIDE = "0101.01"
HOMICIDE = "0101"
SEXUAL_ASSAULT = "03012"


@dataclass(frozen=True)
class Category:
    """How one kind of event is drawn.

    Attributes:
        key: stable slug used in the truth files.
        iccs: ICCS code of the event (victims may refine it, see module docstring).
        label: Spanish label for the README and truth tables.
        rate_2018: victims per 100,000 a year in 2018 (ignored for homicide).
        trend: yearly multiplicative change (0.05 = +5 % a year).
        female: share of women among victims (homicide: from the calibration table).
        age_f, age_m: weights of the ``AGE_BANDS`` for female and male victims.
        relation_f, relation_m: weights of ``RELATIONS`` between victim and aggressor.
        identified: probability that the aggressor is a known person (when not a stranger).
        stranger_identified: same, when the aggressor is a stranger.
        extra_victims: probabilities of 1, 2, 3, 4 victims in one incident.
        season: monthly weights (January first).
        risk: which municipal index drives the spatial distribution and its exponent.
        hotspot: whether hotspots concentrate this category.
        hours: weights of 6 four-hour blocks starting at midnight.
        covid: multiplier for April-December 2020 (lockdown and fewer complaints).
    """

    key: str
    iccs: str
    label: str
    rate_2018: float
    trend: float
    female: float
    age_f: tuple[float, ...]
    age_m: tuple[float, ...]
    relation_f: tuple[float, ...]
    relation_m: tuple[float, ...]
    identified: float
    stranger_identified: float
    extra_victims: tuple[float, ...] = (1.0,)
    season: tuple[float, ...] = (1.0,) * 12
    risk: tuple[str, float] = ("crime", 1.0)
    hotspot: bool = False
    hours: tuple[float, ...] = (1, 1, 1, 1, 1, 1)
    covid: float = 1.0

    @property
    def mean_victims(self) -> float:
        return sum((i + 1) * p for i, p in enumerate(self.extra_victims))

    def rate(self, year: int) -> float:
        """Victims per 100,000 in ``year`` (not used for homicide)."""
        return self.rate_2018 * (1 + self.trend) ** (year - 2018)


_VIOLENT_HOURS = (1.6, 0.6, 0.8, 1.0, 1.4, 1.9)
CATEGORIES: tuple[Category, ...] = (
    Category(
        key="homicidio",
        iccs=HOMICIDE,
        label="Homicidio intencional (incluye femicidio)",
        rate_2018=0.0,
        trend=0.0,
        female=0.0,
        age_f=(0.03, 0.08, 0.38, 0.30, 0.14, 0.07),
        age_m=(0.01, 0.06, 0.45, 0.30, 0.13, 0.05),
        relation_f=(0.22, 0.08, 0.10, 0.15, 0.45),
        relation_m=(0.02, 0.0, 0.05, 0.18, 0.75),
        identified=0.85,
        stranger_identified=0.25,
        extra_victims=(0.88, 0.08, 0.025, 0.015),
        season=(1.08, 0.96, 1.0, 0.97, 1.0, 0.97, 0.98, 0.97, 0.95, 1.0, 1.0, 1.12),
        risk=("crime", 1.6),
        hotspot=True,
        hours=_VIOLENT_HOURS,
        covid=0.92,
    ),
    Category(
        key="vif",
        iccs="0201.02",
        label="Violencia intrafamiliar",
        rate_2018=265.0,
        trend=0.0,
        female=0.88,
        age_f=(0.02, 0.04, 0.40, 0.38, 0.13, 0.03),
        age_m=(0.05, 0.05, 0.25, 0.30, 0.20, 0.15),
        relation_f=(0.60, 0.12, 0.28, 0.0, 0.0),
        relation_m=(0.45, 0.10, 0.45, 0.0, 0.0),
        identified=0.98,
        stranger_identified=0.0,
        season=(1.1, 0.95, 0.95, 0.95, 1.0, 0.95, 1.0, 0.95, 0.95, 1.0, 1.0, 1.2),
        risk=("vif", 0.6),
        hours=(1.2, 0.4, 0.7, 0.9, 1.4, 1.8),
        covid=0.85,
    ),
    Category(
        key="violencia_sexual",
        iccs="03011",
        label="Violencia sexual (violación 03011, agresión sexual 03012)",
        rate_2018=58.0,
        trend=0.01,
        female=0.91,
        age_f=(0.25, 0.35, 0.28, 0.09, 0.02, 0.01),
        age_m=(0.55, 0.25, 0.12, 0.05, 0.02, 0.01),
        relation_f=(0.06, 0.03, 0.36, 0.32, 0.23),
        relation_m=(0.0, 0.0, 0.40, 0.40, 0.20),
        identified=0.85,
        stranger_identified=0.2,
        risk=("vaw", 0.7),
        hours=(1.3, 0.6, 0.9, 1.0, 1.1, 1.4),
        covid=0.9,
    ),
    Category(
        key="extorsion",
        iccs="02051",
        label="Extorsión",
        rate_2018=80.0,
        trend=0.12,
        female=0.30,
        age_f=(0.0, 0.0, 0.25, 0.42, 0.26, 0.07),
        age_m=(0.0, 0.0, 0.25, 0.40, 0.27, 0.08),
        relation_f=(0.0, 0.0, 0.0, 0.05, 0.95),
        relation_m=(0.0, 0.0, 0.0, 0.05, 0.95),
        identified=0.5,
        stranger_identified=0.1,
        risk=("crime", 2.0),
        hotspot=True,
        hours=(0.2, 0.6, 1.8, 1.8, 1.2, 0.4),
    ),
    Category(
        key="robo",
        iccs="04011",
        label="Robo a personas",
        rate_2018=70.0,
        trend=-0.05,
        female=0.40,
        age_f=(0.01, 0.07, 0.40, 0.30, 0.15, 0.07),
        age_m=(0.01, 0.07, 0.40, 0.30, 0.15, 0.07),
        relation_f=(0.0, 0.0, 0.0, 0.03, 0.97),
        relation_m=(0.0, 0.0, 0.0, 0.03, 0.97),
        identified=0.5,
        stranger_identified=0.08,
        risk=("crime", 1.8),
        hotspot=True,
        hours=(0.4, 0.4, 1.4, 1.4, 1.4, 1.0),
        covid=0.65,
    ),
    Category(
        key="robo_vehiculo",
        iccs="050211",
        label="Hurto de vehículo de motor",
        rate_2018=45.0,
        trend=-0.04,
        female=0.22,
        age_f=(0.0, 0.0, 0.30, 0.40, 0.22, 0.08),
        age_m=(0.0, 0.0, 0.30, 0.40, 0.22, 0.08),
        relation_f=(0.0, 0.0, 0.0, 0.0, 1.0),
        relation_m=(0.0, 0.0, 0.0, 0.0, 1.0),
        identified=0.0,
        stranger_identified=0.04,
        risk=("crime", 1.8),
        hotspot=True,
        hours=(1.0, 0.7, 1.0, 1.0, 1.1, 1.2),
        covid=0.7,
    ),
    Category(
        key="desaparicion",
        iccs="02022",
        label="Desaparición (privación de libertad)",
        rate_2018=35.0,
        trend=0.02,
        female=0.60,
        age_f=(0.10, 0.45, 0.30, 0.10, 0.03, 0.02),
        age_m=(0.12, 0.30, 0.30, 0.15, 0.08, 0.05),
        relation_f=(0.05, 0.05, 0.10, 0.10, 0.70),
        relation_m=(0.0, 0.0, 0.10, 0.10, 0.80),
        identified=0.3,
        stranger_identified=0.05,
        risk=("crime", 0.8),
    ),
)
BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}
