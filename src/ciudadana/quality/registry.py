"""Check classes by their stable ``type`` slug. Built-in checks register exactly as a third
party's would::

    from ciudadana.quality.registry import Check, register

    @register
    class NoFutureOutcome(Check):
        type = "no-future-outcome"
        dimension = "validity"

        def run(self, ctx):
            ...

and a rule ``{id: outcome-in-future, type: no-future-outcome}`` in a ``.quality.yaml`` uses it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ciudadana.i18n import _
from ciudadana.ingest.sql import lit
from ciudadana.quality.context import Context, LoadInfo
from ciudadana.quality.rules import EffectiveRule, InvalidRules


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Check:
    """One kind of check. Subclasses set ``type``, ``dimension``, ``Params`` and ``run``.

    Attributes:
        rule: the effective rule (id, severity, params as written).
        params: ``rule.params`` validated by ``Params``.
        loads: the loads this rule applies to (all with the same params).
    """

    type: ClassVar[str] = ""
    dimension: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = NoParams
    #: which loads the check looks at: "microdata" (one row per record) or "all".
    scope: ClassVar[str] = "microdata"

    def __init__(self, rule: EffectiveRule, loads: list[LoadInfo]) -> None:
        self.rule = rule
        self.loads = [i for i in loads if self.scope == "all" or i.microdata]
        try:
            self.params: Any = self.Params.model_validate(rule.params)
        except ValidationError as exc:
            problems = "; ".join(
                f"params.{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise InvalidRules(
                _("Regla «{rule}» (tipo {type}): {problems}.").format(
                    rule=rule.id, type=self.type, problems=problems
                )
            ) from exc

    @property
    def ids(self) -> list[int]:
        return [i.load_id for i in self.loads]

    def constants(self) -> str:
        """SQL select items naming this rule, its dimension and severity."""
        return (
            f"{lit(self.rule.id)} as rule, {lit(self.dimension)} as dimension, "
            f"{lit(self.rule.severity)} as severity"
        )

    def run(self, ctx: Context) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


CHECKS: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Make a check class available to rules by its ``type``."""
    if not cls.type or not cls.dimension:
        raise ValueError(f"{cls.__name__} needs a type and a dimension")
    CHECKS[cls.type] = cls
    return cls


def check_class(rule: EffectiveRule) -> type[Check]:
    try:
        return CHECKS[rule.type]
    except KeyError:
        raise InvalidRules(
            _("Regla «{rule}»: no existe el tipo de verificación «{type}». Tipos: {types}.").format(
                rule=rule.id, type=rule.type, types=", ".join(sorted(CHECKS))
            )
        ) from None
