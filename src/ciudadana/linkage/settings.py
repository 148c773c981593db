"""Linkage settings: versioned YAML files, checked by Pydantic, compiled late to Splink.

A settings file names its comparisons by ``type`` (see ``linkage/comparisons/``), its blocking
rules (which pairs are scored), how the model is trained (u by random sampling, m by EM on
named blocking rules) and the thresholds for a match and for clerical review. The shipped files
are ``linkage/configs/persons.yaml`` and ``events.yaml``; a workspace may bring its own
(``ciudadana link --settings FILE``). See ``docs/linkage.md``.

Example:
    >>> s = load_settings("persons")
    >>> s.settings.name, s.settings.version
    ('persons', 1)
    >>> s.settings.comparison_names()[:2]
    ['given_names', 'surnames']
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import And, CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.ingest.spec import TextLoader, line_index, line_of, spanish_error
from ciudadana.linkage.comparisons import REGISTRY, Comparison


class InvalidSettings(CiudadanaError):
    code = "invalid-linkage-settings"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SqlRule(_Model):
    """A blocking rule written as SQL over ``l.`` and ``r.`` (``l.a = r.b and l.b = r.a``)."""

    sql: str


BlockingRule = list[str] | SqlRule


def blocking_rule(rule: BlockingRule, condition: str | None = None) -> BlockingRuleCreator:
    """A Splink blocking rule: ``[a, b]`` -> ``block_on("a", "b")``; ``{sql: ...}`` (DuckDB SQL,
    translated for other backends). ``condition`` (SQL) must also hold for every pair.

    Example:
        >>> blocking_rule(["a"], "l.b <> r.b").get_blocking_rule("duckdb").blocking_rule_sql
        '(l."a" = r."a") AND (l.b <> r.b)'
    """
    base = (
        CustomRule(rule.sql, sql_dialect="duckdb") if isinstance(rule, SqlRule) else block_on(*rule)
    )
    if condition:
        return And(base, CustomRule(condition, sql_dialect="duckdb"))
    return base


def rule_columns(rule: BlockingRule) -> list[str]:
    """The columns a list rule blocks on (none for a SQL rule)."""
    return [] if isinstance(rule, SqlRule) else list(rule)


class Deterministic(_Model):
    """Rules almost only true pairs meet, and the share of true pairs they catch (``recall``)."""

    rules: list[BlockingRule]
    recall: float = Field(0.7, gt=0, le=1)


class Training(_Model):
    """How the parameters are estimated: u by random sampling, m by EM on each ``em`` rule."""

    probability_two_random_records_match: float | None = Field(None, gt=0, lt=1)
    deterministic: Deterministic | None = None
    u_max_pairs: float = Field(1e6, gt=0)
    u_chunks: int = Field(10, ge=1)
    seed: int | None = None
    em: list[BlockingRule] = Field(min_length=1)
    em_without_term_frequencies: bool = True
    m_floor: float = Field(1e-4, ge=0, lt=0.1)


class Thresholds(_Model):
    """Match probability from which a pair is linked, and from which it goes to review."""

    match: float = Field(0.9, gt=0, lt=1)
    review: float = Field(0.5, gt=0, lt=1)


class Settings(_Model):
    """One linkage model: what to block on, what to compare, how to train, where to cut."""

    name: str
    version: int = Field(ge=1)
    description: str = ""
    link_type: Literal["dedupe_only", "link_only", "link_and_dedupe"] = "dedupe_only"
    unique_id: str = "uid"
    source_column: str | None = None
    blocking: list[BlockingRule] = Field(min_length=1)
    pair_condition: str | None = None
    comparisons: list[Comparison] = Field(min_length=1)
    training: Training
    thresholds: Thresholds = Thresholds()
    one_to_one: bool = False
    #: Event linkage: ICCS categories (4 digits) every source is expected to record in full, as
    #: homicide is in the monthly validation table. A victim that only one source records goes
    #: to the worklist for these alone. ``None``: any category more than one source records.
    single_source_categories: list[str] | None = None

    @field_validator("single_source_categories")
    @classmethod
    def _categories(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            if not (len(code) == 4 and code.isdigit()):
                raise ValueError(
                    _(
                        "«{code}» no es una categoría ICCS de 4 dígitos (p. ej. 0101, homicidio "
                        "intencional)."
                    ).format(code=code)
                )
        return value

    @field_validator("comparisons", mode="before")
    @classmethod
    def _by_type(cls, value: Any) -> list[Comparison]:
        if not isinstance(value, list):
            raise ValueError(_("una lista de comparaciones, cada una con su «type»"))
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Comparison):
                out.append(item)
                continue
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in REGISTRY:
                raise ValueError(
                    _(
                        "comparisons[{i}]: «{kind}» no es una comparación conocida. Use una de: "
                        "{known} (docs/linkage.md las describe)."
                    ).format(i=i, kind=kind, known=", ".join(sorted(REGISTRY)))
                )
            out.append(REGISTRY[kind].model_validate(item))
        return out

    def comparison_names(self) -> list[str]:
        return [c.output_name for c in self.comparisons]

    def columns(self) -> list[str]:
        """Every input column the comparisons and blocking rules read."""
        cols = {c for comp in self.comparisons for c in comp.columns()}
        cols |= {c for rule in self.blocking for c in rule_columns(rule)}
        return sorted(cols)

    def splink_settings(self, comparisons: list[Comparison] | None = None) -> SettingsCreator:
        """Compile to Splink's dialect-free ``SettingsCreator`` (optionally fewer comparisons)."""
        extra: dict[str, Any] = {}
        if self.training.probability_two_random_records_match is not None:
            p = self.training.probability_two_random_records_match
            extra["probability_two_random_records_match"] = p
        return SettingsCreator(
            link_type=self.link_type,
            unique_id_column_name=self.unique_id,
            blocking_rules_to_generate_predictions=[
                blocking_rule(r, self.pair_condition) for r in self.blocking
            ],
            comparisons=[c.build() for c in (comparisons or self.comparisons)],
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
            **extra,
        )


class LoadedSettings(BaseModel):
    """Validated settings with where they came from and the hash of their text."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    path: str
    sha256: str
    text: str


def shipped_settings_root() -> Path:
    return Path(str(resources.files("ciudadana.linkage.configs")))


def shipped_settings_names() -> list[str]:
    return sorted(p.stem for p in shipped_settings_root().glob("*.yaml"))


def parse_settings(text: str, *, path: str = "<settings>") -> LoadedSettings:
    """Validate settings text (YAML or JSON); every problem is listed with its line.

    Example:
        >>> parse_settings("name: x\\nversion: 1\\nblocking: [[a]]\\ncomparisons:\\n"
        ...                "  - {type: colour}\\ntraining: {em: [[a]]}\\n")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ciudadana.linkage.settings.InvalidSettings: <settings>: ... «colour» no es una ...
    """
    try:
        data = yaml.load(text, Loader=TextLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise InvalidSettings(
            _("{path}: el YAML no se puede leer ({problem}).").format(path=path, problem=exc)
        ) from exc
    if not isinstance(data, dict):
        raise InvalidSettings(
            _("{path}: la configuración es un mapa (name, version, ...).").format(path=path)
        )
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        index = line_index(text)
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = spanish_error(err)
            item = re.match(r"comparisons\[(\d+)\]: ", msg)
            if loc == ("comparisons",) and item:  # point at the comparison itself
                loc, msg = ("comparisons", int(item.group(1))), msg[item.end() :]
            line = line_of(index, loc)
            where = ".".join(str(x) for x in loc) or _("(raíz)")
            lines.append(
                _("  línea {line}: {where}: {problem}").format(line=line, where=where, problem=msg)
                if line
                else f"  {where}: {msg}"
            )
        raise InvalidSettings(
            _(
                "{path}: la configuración de enlace tiene {n} problema(s):\n{problems}\nCorrija "
                "esas líneas; las comparaciones y opciones están en docs/linkage.md."
            ).format(path=path, n=len(lines), problems="\n".join(lines))
        ) from exc
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedSettings(settings=settings, path=path, sha256=sha, text=text)


def load_settings(ref: str | Path) -> LoadedSettings:
    """Settings by path, or by the name of a shipped file (``persons``, ``events``)."""
    path = Path(ref)
    if not path.is_file():
        path = shipped_settings_root() / f"{str(ref).removesuffix('.yaml')}.yaml"
    if not path.is_file():
        raise InvalidSettings(
            _(
                "No encuentro la configuración de enlace «{ref}». Indique la ruta de un archivo "
                "YAML o JSON, o una de las incluidas: {names}."
            ).format(ref=ref, names=", ".join(shipped_settings_names()))
        )
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidSettings(
            _("{path}: guarde la configuración en UTF-8.").format(path=path)
        ) from exc
    return parse_settings(text, path=str(path))
