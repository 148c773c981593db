"""A policy to monitor: its indicators, each with a territory, a baseline and a target (YAML,
checked by Pydantic, every problem listed with its path at once).

Example:
    >>> policy = load_policy("gtm-ejemplo")
    >>> policy.targets[0].indicator
    'VC_IHR_PSRC'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ciudadana.analysis.indicators import load_catalogue
from ciudadana.analysis.indicators.catalogue import Text, yaml_data
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _


class InvalidPolicy(CiudadanaError):
    code = "invalid-policy"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Baseline(_Model):
    """The starting point. Without ``value`` it is computed from the warehouse."""

    year: int = Field(ge=1900, le=2200)
    value: float | None = None


class Target(_Model):
    """Where the policy wants to be: a ``value``, or a ``change`` in percent of the baseline
    (``-30`` = a third less)."""

    year: int = Field(ge=1900, le=2200)
    value: float | None = None
    change: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Target:
        if (self.value is None) == (self.change is None):
            raise ValueError("declare exactly one of value or change")
        return self


class PolicyTarget(_Model):
    """One indicator of the policy, for one territory (and optionally one sex).

    Attributes:
        indicator: a catalogue code.
        territory: the country's ISO3 code (national) or a department or municipality code.
        sex: ``female`` or ``male`` to follow one sex of an indicator cut by sex.
        source: ``auto`` or a source id (see ``ciudadana indicators --source``).
        direction: ``decrease`` (default: less is better) or ``increase``.
        tolerance: how far behind the expected path (in the indicator's unit) still counts as
            on track.
    """

    indicator: str
    territory: str
    sex: Literal["female", "male"] | None = None
    source: str = "auto"
    direction: Literal["decrease", "increase"] = "decrease"
    baseline: Baseline
    target: Target
    tolerance: float = Field(default=0.0, ge=0)
    note: Text | None = None

    @model_validator(mode="after")
    def _years(self) -> PolicyTarget:
        if self.target.year <= self.baseline.year:
            raise ValueError("target.year must come after baseline.year")
        return self


class Policy(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9/_-]*$")
    title: Text
    country: str
    description: Text | None = None
    targets: list[PolicyTarget] = Field(min_length=1)


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(raíz)"


def parse_policy(data: Any, origin: str = "política") -> Policy:
    """Validate a policy read from YAML; every problem is listed with its path.

    Raises:
        InvalidPolicy: one line per problem, and what to do.
    """
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {_location(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise InvalidPolicy(
            _("{origin} no es válida:\n{problems}\nCorrija el archivo.").format(
                origin=origin, problems="\n".join(lines)
            )
        ) from None
    codes = load_catalogue().codes()
    problems = [
        _("  targets[{i}].indicator: «{code}» no está en el catálogo ({codes})").format(
            i=i, code=t.indicator, codes=", ".join(codes)
        )
        for i, t in enumerate(policy.targets)
        if t.indicator not in codes
    ]
    if problems:
        raise InvalidPolicy(
            _("{origin} no es válida:\n{problems}\nCorrija el archivo.").format(
                origin=origin, problems="\n".join(problems)
            )
        )
    return policy


def shipped_policies() -> list[str]:
    """Names of the example policies shipped in ``monitoring/policies/``."""
    folder = resources.files("ciudadana.monitoring").joinpath("policies")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


@cache
def _shipped(name: str) -> Policy:
    path = resources.files("ciudadana.monitoring").joinpath("policies", f"{name}.yaml")
    return parse_policy(yaml_data(path.read_text("utf-8")), f"{name}.yaml")


def load_policy(ref: str | Path) -> Policy:
    """A policy from a YAML file, or a shipped one by name (``gtm-ejemplo``).

    Raises:
        InvalidPolicy: the file is missing, unreadable or invalid.
    """
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise InvalidPolicy(
                _("No existe el archivo de política {path}. Revise la ruta.").format(path=path)
            )
        try:
            data = yaml_data(path.read_text("utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidPolicy(
                _("No se puede leer {path}: {problem}").format(path=path, problem=exc)
            ) from exc
        return parse_policy(data, str(path))
    if str(ref) not in shipped_policies():
        raise InvalidPolicy(
            _("No hay una política «{ref}». Indique un archivo .yaml o una de: {names}.").format(
                ref=ref, names=", ".join(shipped_policies())
            )
        )
    return _shipped(str(ref))
