"""Quality rules: declarative YAML checked by Pydantic, standard ones built in, a source's own
beside its spec (``ingest/specs/<iso3>/<spec-name>.quality.yaml`` or the workspace's
``specs/<name>.quality.yaml``).

A rule names a check ``type`` (a registered check class), its ``severity`` and its ``params``.
A source file changes a standard rule by naming its ``id`` (``enabled: false`` turns it off,
``params`` are merged over the standard ones) or adds a rule of its own.

Example:
    >>> rules = standard_rules()
    >>> rules["missing-value"].type
    'missing'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.ingest.spec import TextLoader, find_spec, line_index, line_of, spanish_error

Severity = Literal["error", "warning", "info"]
DIMENSIONS = (
    "completeness",
    "validity",
    "timeliness",
    "consistency",
    "uniqueness",
    "outliers",
    "coverage",
    "cross-source",
)
STANDARD_FILE = "standard.yaml"
SUFFIX = ".quality.yaml"


class InvalidRules(CiudadanaError):
    code = "invalid-quality-rules"


class Rule(BaseModel):
    """One rule as written in YAML. ``type`` may be omitted when changing a standard rule."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    type: str | None = None
    severity: Severity | None = None
    enabled: bool = True
    title_es: str | None = None
    title_en: str | None = None
    params: dict[str, Any] = {}


class RuleFile(BaseModel):
    """A rules file: the standard one, or a source's own (``source`` is its spec id)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = None
    description: str = ""
    rules: list[Rule]


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as it applies to one source, after merging its source file over the standard."""

    id: str
    type: str
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)
    title_es: str = ""
    title_en: str = ""

    def title(self, lang: str) -> str:
        """The rule's title in ``lang`` (English when asked and written, else Spanish)."""
        return (self.title_en or self.title_es) if lang == "en" else self.title_es

    def key(self) -> str:
        """Rules with the same key run as one check over all their loads."""
        return json.dumps([self.id, self.type, self.severity, self.params], sort_keys=True)


def parse_rules(text: str, path: str = "<reglas>") -> RuleFile:
    """Validate a rules file; every problem is listed at once with its line.

    Example:
        >>> parse_rules("rules:\\n  - {id: missing-value, enabled: false}\\n").rules[0].enabled
        False
    """
    try:
        data = yaml.load(text, Loader=TextLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise InvalidRules(
            _("{path}: el YAML no se puede leer ({problem}).").format(path=path, problem=exc)
        ) from exc
    try:
        return RuleFile.model_validate(data or {})
    except ValidationError as exc:
        index = line_index(text)
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = line_of(index, loc)
            where = ".".join(str(x) for x in loc) or _("(raíz)")
            lines.append(
                _("  línea {line}: {where}: {problem}").format(
                    line=line, where=where, problem=spanish_error(err)
                )
            )
        raise InvalidRules(
            _(
                "{path}: las reglas de calidad tienen {n} problema(s):\n{problems}\nCorrija esas "
                "líneas; las reglas están descritas en docs/quality.md."
            ).format(path=path, n=len(lines), problems="\n".join(lines))
        ) from exc


@lru_cache(maxsize=1)
def _standard() -> tuple[str, RuleFile]:
    text = (resources.files("ciudadana.quality") / STANDARD_FILE).read_text("utf-8")
    return text, parse_rules(text, STANDARD_FILE)


def standard_rules() -> dict[str, EffectiveRule]:
    """The built-in rules, by id."""
    return merge(_standard()[1], None)


def source_rules_path(spec_name: str, workspace_specs: Path | None = None) -> Path | None:
    """The ``.quality.yaml`` beside a source's spec, if there is one."""
    try:
        spec_path = find_spec(spec_name, workspace_specs=workspace_specs)
    except CiudadanaError:
        return None
    candidate = spec_path.with_name(spec_path.name.removesuffix(".yaml") + SUFFIX)
    return candidate if candidate.is_file() else None


def load_source_rules(spec_name: str, workspace_specs: Path | None = None) -> RuleFile | None:
    path = source_rules_path(spec_name, workspace_specs)
    if path is None:
        return None
    return parse_rules(path.read_text("utf-8"), str(path))


def merge(standard: RuleFile, own: RuleFile | None) -> dict[str, EffectiveRule]:
    """The rules that apply to a source: the standard ones changed or extended by its own."""
    written: dict[str, Rule] = {r.id: r for r in standard.rules}
    for rule in own.rules if own else []:
        base = written.get(rule.id)
        if base is None:
            if rule.type is None:
                raise InvalidRules(
                    _("La regla «{rule}» no es una regla estándar: indique su «type».").format(
                        rule=rule.id
                    )
                )
            written[rule.id] = rule
            continue
        written[rule.id] = base.model_copy(
            update={
                "type": rule.type or base.type,
                "severity": rule.severity or base.severity,
                "enabled": rule.enabled,
                "title_es": rule.title_es or base.title_es,
                "title_en": rule.title_en or base.title_en,
                "params": {**base.params, **rule.params},
            }
        )
    return {
        r.id: EffectiveRule(
            r.id,
            r.type or "",
            r.severity or "warning",
            dict(r.params),
            r.title_es or r.id,
            r.title_en or r.title_es or r.id,
        )
        for r in written.values()
        if r.enabled
    }


def rules_for(spec_name: str, workspace_specs: Path | None = None) -> dict[str, EffectiveRule]:
    """The effective rules of one source (by its spec name, as ``loads.spec_name`` has it)."""
    return merge(_standard()[1], load_source_rules(spec_name, workspace_specs))


def rules_fingerprint(rule_sets: list[dict[str, EffectiveRule]]) -> str:
    """A hash of every rule that ran: two runs with the same hash applied the same rules."""
    keys = sorted({r.key() for rules in rule_sets for r in rules.values()})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()
