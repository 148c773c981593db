"""Source specifications: how one institution's export becomes canonical records.

A spec is YAML, checked by the Pydantic models below (``extra="forbid"``: a typo is an error
that points at the spec's line). ``ciudadana ingest schema`` exports the JSON Schema for editors.
See ``docs/specs.md`` for every field with an example.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ciudadana.errors import InvalidSpec
from ciudadana.i18n import _
from ciudadana.ingest.vocabulary import (
    CODE_LISTS,
    COUNTING_UNITS,
    EVENT_FIELDS,
    PERSON_FIELDS,
)

Parse = Literal["auto", "text", "integer", "number", "date", "territory", "iccs", "cui", "category"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _position(value: object) -> object:
    """``column: 0`` (a number) is a 0-based position; any other text is a header."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


class RowRule(_Model):
    """Rows that are not data (subtotals, repeated headers): skipped and counted as skipped."""

    column: str | int = Field(description="Column name, or 0-based position.")
    _pos = field_validator("column", mode="before")(lambda cls, v: _position(v))
    pattern: str = Field(description="Regular expression searched in the cell.")

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        re.compile(value)
        return value


class MetadataRule(_Model):
    """A value taken from the title lines above the header, or from the file name."""

    source: Literal["title", "filename"] = "title"
    pattern: str = Field(description="Regex with one group: the value.")


class ReaderSpec(_Model):
    """How to read the file: format, encoding, where the header and the data are."""

    format: Literal["auto", "csv", "xlsx", "xls"] = "auto"
    encoding: Literal["auto", "utf-8", "latin-1", "cp1252", "utf-16"] = "auto"
    delimiter: str | None = Field(None, description="None: detected.")
    header_rows: int = Field(1, ge=0, le=10, description="Header rows; merged cells are joined.")
    skip_rows: int = Field(0, ge=0, description="Title rows above the header.")
    footer_rows: int = Field(0, ge=0, description="Rows at the end that are not data.")
    sheet: str | int | None = Field(None, description='Name, 0-based position, or "*" for all.')
    _sheet = field_validator("sheet", mode="before")(lambda cls, v: _position(v))
    skip_rows_where: list[RowRule] = []
    metadata: dict[str, MetadataRule] = {}


class Flags(_Model):
    """A code that packs several yes/no answers, one per character (``"1212"``)."""

    yes: str = "1"
    codes: list[str | None] = Field(description="The ICCS code of each position (None: ignore).")


class FieldSpec(_Model):
    """Where one canonical field comes from and how its text becomes a value."""

    column: str | int | None = Field(None, description="Header (as joined) or 0-based position.")
    also: list[str] = Field([], description="Other spellings of the header seen in deliveries.")
    parts: dict[Literal["day", "month", "year"], str] | None = None
    value: str | None = Field(None, description="A constant for every row.")
    metadata: str | None = Field(None, description="A value read by reader.metadata.")
    pattern: str | None = Field(None, description="Regex with one group: the part of the cell.")
    parse: Parse = "auto"
    formats: list[str] = []
    excel_serial: bool = False
    unknown: list[str] = Field([], description="Markers meaning 'recorded as unknown'.")
    map: dict[str, str | list[str]] | None = None
    flags: Flags | None = None
    default: str | None = Field(None, description="Value when the cell is not in map.")
    required: bool = False
    min: float | None = None
    max: float | None = None
    thousands: str | None = None
    decimal: str = Field(".", description="Decimal mark: ',' for '14,63'.")
    blank: str | None = Field(None, description="What a blank cell means, e.g. '0' in a count.")
    parent: str | None = Field(None, description="Territory: field giving the level above.")
    level: int | None = None
    on_invalid: Literal["quarantine", "warn"] = "quarantine"
    _pos = field_validator("column", mode="before")(lambda cls, v: _position(v))

    @model_validator(mode="after")
    def _one_origin(self) -> FieldSpec:
        origins = [x for x in (self.column, self.parts, self.value, self.metadata) if x is not None]
        if len(origins) != 1:
            raise ValueError(_("indique exactamente uno de: column, parts, value, metadata"))
        return self

    def columns(self) -> list[str | int]:
        if self.parts:
            return list(self.parts.values())
        return [self.column] if self.column is not None else []


class Unpivot(_Model):
    """A wide table (months as columns) read as one cell per column."""

    columns: dict[str, str] = Field(description="Header -> the value of ``into`` for that column.")
    into: Literal["month", "year", "sex", "age_group"] = "month"
    parse: Literal["integer", "number"] = "number"
    thousands: str | None = Field(None, description="Thousands separator in the cells.")
    blank: str | None = Field("0", description="What an empty cell means.")
    check_total: str | None = Field(None, description="A column that must equal the row's sum.")


class SourceSpec(_Model):
    """One source: an institution's export and how it maps to the warehouse."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-/]*$")
    title: str
    institution: str
    country: str = "GTM"
    description: str = ""
    unit: Literal["victim", "event", "complaint", "case", "order", "aggregate", "population"]
    date_semantics: Literal["occurrence", "registration"] | None = None
    reader: ReaderSpec = ReaderSpec()
    fields: dict[str, FieldSpec]
    victim: dict[str, FieldSpec] = {}
    aggressor: dict[str, FieldSpec] = {}
    unpivot: Unpivot | None = None
    licence: str | None = None
    notes: str | None = None

    @field_validator("fields")
    @classmethod
    def _event_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        unknown = sorted(set(value) - set(EVENT_FIELDS))
        if unknown:
            raise ValueError(
                _("campos desconocidos: {unknown}; válidos: {valid}").format(
                    unknown=", ".join(unknown), valid=", ".join(EVENT_FIELDS)
                )
            )
        for name, spec in value.items():
            _check_codes(name, spec, ("total",) if name == "sex" else ())
        return value

    @field_validator("victim", "aggressor")
    @classmethod
    def _person_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        unknown = sorted(set(value) - set(PERSON_FIELDS))
        if unknown:
            raise ValueError(
                _("campos desconocidos: {unknown}; válidos: {valid}").format(
                    unknown=", ".join(unknown), valid=", ".join(PERSON_FIELDS)
                )
            )
        for name, spec in value.items():
            _check_codes(name, spec)
        return value

    @model_validator(mode="after")
    def _coherent(self) -> SourceSpec:
        if self.unit in ("aggregate", "population"):
            if "value" not in self.fields and self.unpivot is None:
                raise ValueError(
                    _("unit {unit}: declare fields.value o unpivot").format(unit=self.unit)
                )
        elif self.date_semantics is None:
            raise ValueError(_("declare date_semantics: occurrence o registration"))
        if self.unit != "population" and self.unit != "aggregate" and "offence" not in self.fields:
            raise ValueError(_("declare fields.offence (código o etiqueta nacional -> ICCS)"))
        assert self.unit in COUNTING_UNITS
        return self


def _check_codes(name: str, spec: FieldSpec, extra: tuple[str, ...] = ()) -> None:
    allowed = CODE_LISTS.get(name)
    if allowed:
        allowed = (*allowed, *extra)
    if not allowed or not spec.map:
        return
    bad = sorted({v for v in spec.map.values() if isinstance(v, str) and v not in allowed})
    if spec.default and spec.default not in allowed:
        bad.append(spec.default)
    if bad:
        raise ValueError(
            _("{name}: valores {values} no están en la lista ({allowed})").format(
                name=name, values=", ".join(repr(b) for b in bad), allowed=", ".join(allowed)
            )
        )


# -- loading ------------------------------------------------------------------------------


class LoadedSpec(BaseModel):
    """A validated spec with where it came from and its hash (part of each load's lineage)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: SourceSpec
    name: str
    path: str
    sha256: str


class TextLoader(yaml.SafeLoader):
    """YAML without implicit numbers and with YAML 1.2 booleans: codes such as ``0101`` stay
    text (YAML 1.1 reads ``0101`` as the octal 65, ``yes`` as true); Pydantic turns ``"1"`` into
    1 where a number is wanted.
    """


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float", ":bool"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true/false are booleans (YAML 1.2): "yes", "no", "on" and "off" stay words.
TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map each YAML path (keys and list indexes) to its 1-based line, for error messages."""
    index: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, child in node.value:
                index[(*path, key.value)] = key.start_mark.line + 1
                walk(child, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                walk(child, (*path, i))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return index


def line_of(index: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    path = tuple(loc)
    while path:
        if path in index:
            return index[path]
        path = path[:-1]
    return index.get(())


def parse_spec(text: str, *, name: str = "<spec>", path: str = "<spec>") -> LoadedSpec:
    """Validate a spec's YAML text; every problem is listed at once with its line."""
    try:
        data = yaml.load(text, Loader=TextLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(", línea {line}").format(line=mark.line + 1) if mark else ""
        raise InvalidSpec(
            _("{path}{where}: el YAML no se puede leer ({problem}).").format(
                path=path, where=where, problem=exc
            )
        ) from exc
    if not isinstance(data, dict):
        raise InvalidSpec(
            _("{path}: una especificación es un mapa YAML (id, title, fields...).").format(
                path=path
            )
        )
    try:
        spec = SourceSpec.model_validate(data)
    except ValidationError as exc:
        index = line_index(text)
        lines = []
        for err in exc.errors():
            loc = tuple(x for x in err["loc"] if not str(x).startswith("function-after"))
            line = line_of(index, loc)
            where = ".".join(str(x) for x in loc) or _("(raíz)")
            msg = spanish_error(err)
            lines.append(
                _("  línea {line}: {where}: {problem}").format(line=line, where=where, problem=msg)
                if line
                else f"  {where}: {msg}"
            )
        raise InvalidSpec(
            _("{path}: la especificación tiene {n} problema(s):").format(path=path, n=len(lines))
            + "\n"
            + "\n".join(lines)
            + "\n"
            + _("Corrija esas líneas; la referencia de campos está en docs/specs.md.")
        ) from exc
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedSpec(spec=spec, name=name, path=path, sha256=sha)


def spanish_error(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return _("campo no previsto (¿error de escritura?)")
    if kind == "missing":
        return _("falta este campo obligatorio")
    if kind == "literal_error":
        return _("valor no válido; {problem}").format(
            problem=err["msg"].replace("Input should be", _("debe ser"))
        )
    msg = str(err["msg"]).removeprefix("Value error, ")
    return msg


def shipped_specs_root() -> Path:
    return Path(str(resources.files("ciudadana.ingest") / "specs"))


def shipped_spec_names() -> list[str]:
    root = shipped_specs_root()
    return sorted(
        str(p.relative_to(root).with_suffix(""))
        for p in root.rglob("*.yaml")
        if not p.name.endswith(".quality.yaml")  # a source's own quality rules, not a spec
    )


def find_spec(ref: str | Path, *, workspace_specs: Path | None = None) -> Path:
    """Find a spec by path, by name in the workspace's ``specs/``, or among shipped specs."""
    candidates = [Path(ref)]
    name = str(ref).removesuffix(".yaml")
    if workspace_specs is not None:
        candidates.append(workspace_specs / f"{name}.yaml")
    candidates.append(shipped_specs_root() / f"{name}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise InvalidSpec(
        _(
            "No encuentro la especificación «{ref}». Indique la ruta de un .yaml o un nombre de "
            "las incluidas: {shipped}."
        ).format(ref=ref, shipped=", ".join(shipped_spec_names()) or _("(ninguna)"))
    )


def load_spec(ref: str | Path, *, workspace_specs: Path | None = None) -> LoadedSpec:
    """Find and validate a spec (see :func:`find_spec`)."""
    path = find_spec(ref, workspace_specs=workspace_specs)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidSpec(
            _("{path}: guarde la especificación en UTF-8.").format(path=path)
        ) from exc
    root = shipped_specs_root()
    name = str(path.relative_to(root).with_suffix("")) if path.is_relative_to(root) else path.stem
    return parse_spec(text, name=name, path=str(path))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a spec, for editors (``ciudadana ingest schema``)."""
    return SourceSpec.model_json_schema()
