"""The indicator catalogue: YAML checked by Pydantic, every problem listed with its path at once.

An indicator says what it counts (numerator: ICCS codes, counting unit, date, filters on the
victim, which sources), what it divides by (denominator: a population, or another count for a
share), its unit, the disaggregations it allows and its methodological notes, in Spanish and
English. The shipped catalogue is ``analysis/indicators/catalogue.yaml``.

Example:
    >>> catalogue = load_catalogue()
    >>> catalogue.get("VC_IHR_PSRC").name.es
    'Víctimas de homicidio intencional por cada 100 000 habitantes'
"""

from __future__ import annotations

import fnmatch
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ciudadana.analysis.indicators.dimensions import Dimension
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.standards.iccs import load_iccs

CODE_PATTERN = r"^[A-Z][A-Z0-9_]{2,39}$"
MULTIPLIERS = {"per_100k": 100_000.0, "per_100k_women": 100_000.0, "percent": 100.0}


class InvalidCatalogue(CiudadanaError):
    code = "invalid-catalogue"


class UnknownIndicator(CiudadanaError):
    code = "unknown-indicator"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A text in Spanish and English."""

    es: str
    en: str

    def get(self, lang: str = "es") -> str:
        return self.en if lang == "en" else self.es


class VictimFilter(_Model):
    """Which victims count: sexes, an age range (inclusive), known age only, relationships."""

    sex: list[Literal["female", "male", "intersex", "unknown"]] | None = None
    age_min: int | None = Field(default=None, ge=0)
    age_max: int | None = Field(default=None, ge=0)
    known_age: bool = False
    relationship: list[str] | None = None


class Count(_Model):
    """What is counted.

    Attributes:
        iccs: ICCS codes; every code below them counts too (0101 takes 0101.01 femicide).
        offences: ``any`` (any ICCS category of the record, e.g. a complaint of physical and
            sexual violence counts in both) or ``principal`` (the record's main category).
        unit: ``victims`` (one per record of a victim or complaint source: one row = one
            victim), ``events`` (distinct incidents, by ``incident_id``, described by their first
            victim) or ``cases`` (records of a judiciary source, counting unit ``case``).
        date: which date places a record in a period: ``occurrence``, ``registration`` or
            ``reference`` (the one the source's specification declares).
        victim: filters on the victim.
        whole_sources: sources whose every record belongs here by definition, whatever its
            ICCS codes (the INE's intrafamily-violence form), as source-id patterns.
        sources: preferred sources, as source-id patterns (``*/inacif-*``), best first; with
            ``--source auto`` the first one with data is used.
        aggregates: whether tables of counts (``aggregates``) count too.
    """

    iccs: list[str] = Field(min_length=1)
    offences: Literal["any", "principal"] = "any"
    unit: Literal["victims", "events", "cases"] = "victims"
    date: Literal["occurrence", "registration", "reference"] = "reference"
    victim: VictimFilter = VictimFilter()
    whole_sources: list[str] = []
    sources: list[str] = []
    aggregates: bool = True

    def prefers(self, source_id: str) -> int | None:
        """Rank of ``source_id`` among the preferred sources (0 best), None if not listed."""
        for rank, pattern in enumerate(self.sources):
            if fnmatch.fnmatchcase(source_id, pattern):
                return rank
        return None


class PopulationDenominator(_Model):
    """The population at risk: everyone, or women, or men."""

    sex: Literal["all", "female", "male"] = "all"


class Denominator(_Model):
    """Exactly one of ``population`` (a rate) or ``count`` (a share or a ratio of counts).

    ``nested`` says the numerator is part of the denominator count (a share: exact binomial
    interval, same source); otherwise the ratio of two independent counts is computed, each
    from its own source.
    """

    population: PopulationDenominator | None = None
    count: Count | None = None
    nested: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> Denominator:
        if (self.population is None) == (self.count is None):
            raise ValueError("declare exactly one of population or count")
        return self


class Stability(_Model):
    min_count: int = Field(default=20, ge=1)
    max_cv: float = Field(default=0.30, gt=0)


class Indicator(_Model):
    """One indicator of the catalogue."""

    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    short: Text
    sdg: str | None = None
    numerator: Count
    denominator: Denominator
    unit: Literal["per_100k", "per_100k_women", "percent"]
    decimals: int = Field(default=1, ge=0, le=4)
    disaggregations: list[Dimension]
    stability: Stability = Stability()
    notes: Text

    @property
    def multiplier(self) -> float:
        return MULTIPLIERS[self.unit]

    @property
    def per_population(self) -> bool:
        return self.denominator.population is not None

    def implied_sex(self) -> str:
        """The sex every row of this indicator is about (``female`` for rates per women)."""
        sexes = self.numerator.victim.sex
        return sexes[0] if sexes and len(sexes) == 1 else "total"

    def allows(self, dimension: str) -> bool:
        return dimension == "year" or dimension in self.disaggregations


class Catalogue(_Model):
    """The catalogue: a version and its indicators, in order."""

    version: str
    indicators: list[Indicator]

    def get(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code.upper():
                return ind
        raise UnknownIndicator(
            _(
                "No hay un indicador «{code}» en el catálogo. Disponibles: {codes}. Véalos con "
                "`ciudadana indicators list`."
            ).format(code=code, codes=", ".join(self.codes()))
        )

    def codes(self) -> list[str]:
        return [ind.code for ind in self.indicators]


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(raíz)"


def _semantic_problems(data: Catalogue) -> list[str]:
    problems = []
    iccs = load_iccs()
    seen: set[str] = set()
    for i, ind in enumerate(data.indicators):
        if ind.code in seen:
            problems.append(
                _("indicators[{i}].code: código repetido «{code}»").format(i=i, code=ind.code)
            )
        seen.add(ind.code)
        counts = [("numerator", ind.numerator)]
        if ind.denominator.count is not None:
            counts.append(("denominator.count", ind.denominator.count))
        for where, count in counts:
            for j, code in enumerate(count.iccs):
                if code not in iccs:
                    problems.append(
                        _(
                            "indicators[{i}].{where}.iccs[{j}]: «{code}» no es un código ICCS"
                        ).format(i=i, where=where, j=j, code=code)
                    )
        if ind.unit == "percent" and ind.per_population:
            problems.append(
                _("indicators[{i}].unit: un porcentaje necesita denominator.count").format(i=i)
            )
        if ind.unit != "percent" and not ind.per_population:
            problems.append(
                _("indicators[{i}].unit: una tasa necesita denominator.population").format(i=i)
            )
    return problems


def parse_catalogue(data: dict[str, Any], origin: str = "catálogo") -> Catalogue:
    """Validate a catalogue read from YAML; every problem is listed with its path at once.

    Raises:
        InvalidCatalogue: with one line per problem.
    """
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {_location(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise InvalidCatalogue(
            _("{origin} no es válido:\n{problems}\nCorrija el archivo.").format(
                origin=origin, problems="\n".join(lines)
            )
        ) from None
    problems = _semantic_problems(catalogue)
    if problems:
        raise InvalidCatalogue(
            _("{origin} no es válido:\n{problems}\nCorrija el archivo.").format(
                origin=origin, problems="\n".join(f"  {p}" for p in problems)
            )
        )
    return catalogue


def yaml_data(text: str) -> Any:
    r"""YAML without implicit numbers: ``0101`` stays text (YAML 1.1 would read the octal 65);
    only ``true``/``false`` and ``null`` are typed. Pydantic turns numeric text into numbers
    where a field wants one.

    Example:
        >>> yaml_data("code: 0101\nok: true\nvalue: null")
        {'code': '0101', 'ok': True, 'value': None}
    """
    return _typed(yaml.load(text, Loader=yaml.BaseLoader))


def read_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file (the shipped one or an institution's own)."""
    try:
        data = yaml_data(Path(path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidCatalogue(
            _("No se puede leer el catálogo {path}: {problem}").format(path=path, problem=exc)
        ) from exc
    return parse_catalogue(data, str(path))


def _typed(value: Any) -> Any:
    """YAML read without implicit types (codes stay text); true/false become booleans."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if value in ("null", "~"):
        return None
    return value


@cache
def load_catalogue() -> Catalogue:
    """The shipped catalogue (``analysis/indicators/catalogue.yaml``), validated once."""
    path = resources.files("ciudadana.analysis.indicators").joinpath("catalogue.yaml")
    return read_catalogue(Path(str(path)))
