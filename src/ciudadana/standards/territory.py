"""Territory packs and the resolver: what exports write ("CHINUAUTLA", "GT0101", 101.0) to codes.

A pack is a data folder, ``standards/territories/<iso3>/`` (``pack.yaml``, ``divisions.csv``,
optional boundaries and ``population.csv``, ``SOURCES.md``); see ``docs/territories.md``. The
resolver never guesses: a name found in several departments without one given is ``ambiguous``
and the message says which ones. Matching rules: :meth:`.names.NameIndex.search`.

Example:
    >>> gtm = load_pack("gtm")
    >>> gtm.resolve("CHINUAUTLA").code, gtm.resolve("GT0101").code
    ('0106', '0101')
    >>> print(gtm.resolve("San José").message())
    "San José" existe en 2 departamentos: Escuintla (0509 San José), Petén (1702 San José). Indique en qué departamento.
"""  # noqa: E501

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ciudadana.errors import UnknownTerritoryPack
from ciudadana.i18n import _
from ciudadana.standards.names import MESSAGES, NameIndex, match_key, parse_code

Status = Literal["code", "exact", "alias", "fuzzy", "ambiguous", "not_found"]
SEXES = ("female", "male", "total")
_MAX_LISTED = 8


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    es: str
    en: str


class Level(_Model):
    """A level of the hierarchy (1 = departamento/entidad); ``digits``: its full code length."""

    level: int
    name: Text
    plural: Text
    digits: int


class Population(_Model):
    file: str | None = None
    level: int | None = None
    note: Text


class PackSpec(_Model):
    """The contents of ``pack.yaml``."""

    iso3: str
    name: Text
    code_prefixes: list[str] = []
    levels: list[Level]
    divisions: str = "divisions.csv"
    boundaries: dict[int, str] = {}  # level -> TopoJSON file
    population: Population


@dataclass(frozen=True)
class Division:
    """One official division: a department, a municipality..."""

    code: str
    level: int
    name: str
    parent_code: str | None
    aliases: tuple[str, ...]
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one value: a ``code``, or why not and the ``candidates``."""

    value: str
    code: str | None
    status: Status
    candidates: tuple[str, ...] = ()
    score: float | None = None
    texts: tuple[str, str] = field(default=("", ""), compare=False, repr=False)

    def message(self, lang: str = "es") -> str:
        """What happened, for the user, in Spanish (``"es"``) or English (``"en"``).

        Example:
            >>> load_pack("GTM").resolve("Petapa").message("en")
            '"Petapa": municipality 0117 San Miguel Petapa (Guatemala).'
        """
        return self.texts[1] if lang == "en" else self.texts[0]


class TerritoryPack:
    """A country's divisions, with name indexes built once so resolving stays fast.

    Args:
        root: the pack folder (a path or an :mod:`importlib.resources` traversable).
    """

    def __init__(self, root: Traversable | Path) -> None:
        self.root = root
        self.spec = PackSpec.model_validate(yaml.safe_load((root / "pack.yaml").read_text("utf-8")))
        self.iso3 = self.spec.iso3.upper()
        self.name_es, self.name_en = self.spec.name.es, self.spec.name.en
        self.levels = tuple(sorted(self.spec.levels, key=lambda lv: lv.level))
        self.population_note_es = self.spec.population.note.es
        self.population_note_en = self.spec.population.note.en
        self.divisions: dict[str, Division] = {}
        for row in read_csv(root / self.spec.divisions):
            aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
            lat, lon = (float(row[k]) if row[k] else None for k in ("lat", "lon"))
            code, level, name = row["code"].strip(), int(row["level"]), row["name"].strip()
            parent = (row["parent_code"] or "").strip() or None
            self.divisions[code] = Division(code, level, name, parent, aliases, lat, lon)
        self._level = {lv.level: lv for lv in self.levels}
        entries = defaultdict(list)
        for d in self.divisions.values():
            entries[d.level] += [(d.code, t, False, d.parent_code) for t in d.aliases]
            entries[d.level].append((d.code, d.name, True, d.parent_code))
        self._indexes = {lv.level: NameIndex(entries[lv.level]) for lv in self.levels}

    def __repr__(self) -> str:
        return f"TerritoryPack({self.iso3}, {len(self.divisions)} divisions)"

    def _parse(self, value: str | int | float, level: int | None = None) -> str | None:
        digits = self._level[level].digits if level in self._level else None
        widths = [lv.digits for lv in self.levels]
        return parse_code(value, widths, self.spec.code_prefixes, digits)

    def resolve_code(self, value: str | int | float, level: int | None = None) -> Resolution:
        """Resolve a code in any common form (see :func:`.names.parse_code`).

        Example:
            >>> gtm = load_pack("GTM")
            >>> [gtm.resolve_code(v).code for v in (101, "0101", "GT0101", " 01-01 ", 101.0, "1")]
            ['0101', '0101', '0101', '0101', '0101', '01']
        """
        code = self._parse(value, level)
        division = self.divisions.get(code or "")
        if division and level in (None, division.level):
            return self._say(Resolution(str(value), code, "code"))
        return self._say(Resolution(str(value), None, "not_found"), level)

    def resolve_name(
        self, name: str, level: int | None = None, parent: str | None = None
    ) -> Resolution:
        """Resolve a name at ``level`` (default: the lowest), within ``parent`` when given.

        ``parent`` is a code or a name of the level above; one that cannot be resolved is
        ignored. "Name, Parent" in one value works too.

        Example:
            >>> gtm = load_pack("GTM")
            >>> gtm.resolve_name("San José", parent="Petén").code, gtm.resolve_name("Xela").code
            ('1702', '0901')
        """
        level = level or self.levels[-1].level
        parent_code = None
        if parent is not None and str(parent).strip() and level > self.levels[0].level:
            parent_code = self.resolve(str(parent), level=level - 1).code
        name = str(name)
        found = self._indexes[level].search(match_key(name), parent_code)
        if found.status not in ("exact", "alias") and parent_code is None and "," in name:
            head, _comma, tail = name.rpartition(",")
            split = self.resolve_name(head, level, tail)
            if split.code:
                return self._say(replace(split, value=name))
        code = found.codes[0] if found.status not in ("ambiguous", "not_found") else None
        candidates = () if code else found.codes
        result = Resolution(name, code, found.status, candidates, found.score)
        return self._say(result, level, parent_code)

    def resolve(
        self, value: str | int | float, level: int | None = None, parent: str | None = None
    ) -> Resolution:
        """Resolve a code if ``value`` looks like one, else a name.

        With ``parent``, a short number is the division's number inside it, as exports with
        separate columns write it: ``resolve("1", level=2, parent="01")`` gives ``"0101"``.
        """
        if self._parse(value) is None:
            return self.resolve_name(str(value), level, parent)
        above = (level or self.levels[-1].level) - 1
        up = self.resolve(str(parent), above) if parent and above in self._level else None
        below = self._level.get(self.divisions[up.code].level + 1) if up and up.code else None
        if up is None or up.code is None or below is None:
            return self.resolve_code(value, level)
        raw = str(int(value) if isinstance(value, float) else value).strip()
        width = below.digits - len(up.code)
        code = up.code + raw.zfill(width) if raw.isdigit() and len(raw) <= width else value
        result = replace(self.resolve_code(code, below.level), value=str(value))
        if result.code and not result.code.startswith(up.code):
            result = Resolution(str(value), None, "not_found", (result.code,))
        return self._say(result, below.level, up.code)

    def _label(self, code: str, with_parent: bool = True) -> str:
        d = self.divisions[code]
        parent = self.divisions.get(d.parent_code or "")
        return f"{code} {d.name}" + (f" ({parent.name})" if parent and with_parent else "")

    def _say(
        self, r: Resolution, level: int | None = None, parent: str | None = None
    ) -> Resolution:
        """Fill in the Spanish and English texts of a resolution from :data:`.names.MESSAGES`."""
        lv = self._level[self.divisions[r.code].level if r.code else level or self.levels[-1].level]
        up, listed = self._level.get(lv.level - 1), r.candidates[:_MAX_LISTED]
        spread = len({self.divisions[c].parent_code for c in r.candidates}) == len(r.candidates)
        kind = "found" if r.code else "suggest" if listed else "unknown"
        if r.status == "ambiguous":
            kind = "in_parents" if up and not parent and spread else "several"
        if kind == "in_parents":
            items = ", ".join(
                f"{self.name(self.divisions[c].parent_code or '')} ({self._label(c, False)})"
                for c in listed
            )
        else:
            items = ", ".join(self._label(c) for c in listed)
        texts = []
        for i, lang in enumerate(("es", "en")):
            more = len(r.candidates) - len(listed)
            words = {
                "value": r.value, "label": self._label(r.code) if r.code else "",
                "items": items, "n": len(r.candidates), "score": r.score or 0.0,
                "more": MESSAGES["more"][i].format(n=more) if more > 0 else "",
                "level": getattr(lv.name, lang), "levels": getattr(lv.plural, lang),
                "up_level": getattr(up.name, lang) if up else "",
                "up_levels": getattr(up.plural, lang) if up else "",
                "place": getattr(self.spec.name, lang),
            }  # fmt: skip
            if parent and up:
                words["place"] = f"{self.name(parent)} ({words['up_level']})"
            fuzzy = MESSAGES["fuzzy"][i] if r.status == "fuzzy" else ""
            texts.append((MESSAGES[kind][i] + fuzzy).format(**words))
        return replace(r, texts=(texts[0], texts[1]))

    def children(self, code: str | None) -> list[Division]:
        """The divisions directly below ``code`` (``None``: the top level), by code."""
        found = [d for d in self.divisions.values() if d.parent_code == code]
        return sorted(found, key=lambda d: d.code)

    def name(self, code: str) -> str:
        """The official name of a division (``KeyError`` for an unknown code)."""
        return self.divisions[code].name

    def population_path(self) -> Path | None:
        """The population table, or ``None`` when the pack has none (see the note)."""
        file = self.spec.population.file
        return Path(str(self.root / file)) if file else None

    def boundaries_path(self, level: int) -> Path | None:
        """The TopoJSON boundaries of a level (one object, ``code`` and ``name``), or ``None``."""
        file = self.spec.boundaries.get(level)
        return Path(str(self.root / file)) if file else None

    def rows(self) -> list[dict]:
        """One dict per division, with the match ``key`` of its name, for a database table."""
        fields = ("code", "level", "name", "parent_code", "lat", "lon")
        return [
            {"iso3": self.iso3, **{f: getattr(d, f) for f in fields}, "key": match_key(d.name)}
            for d in self.divisions.values()
        ]

    def alias_rows(self) -> list[dict]:
        """One dict per alias: ``iso3``, ``code``, ``alias`` and its match ``key``."""
        return [
            {"iso3": self.iso3, "code": d.code, "alias": a, "key": match_key(a)}
            for d in self.divisions.values()
            for a in d.aliases
        ]


def read_csv(path: Traversable | Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file of a pack into dicts."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def available_packs() -> list[str]:
    """The packs found under ``standards/territories``, as upper-case ISO3 codes.

    Example:
        >>> available_packs()
        ['GTM', 'MEX']
    """
    root = files("ciudadana.standards") / "territories"
    return sorted(p.name.upper() for p in root.iterdir() if (p / "pack.yaml").is_file())


def _folder(iso3: str) -> Traversable:
    if iso3.strip().upper() not in available_packs():
        raise UnknownTerritoryPack(
            _(
                'No hay paquete territorial "{iso3}". Disponibles: {packs}. Para otro país, '
                "agregue la carpeta standards/territories/{folder}/ (vea docs/territories.md)."
            ).format(iso3=iso3, packs=", ".join(available_packs()), folder=iso3.strip().lower())
        )
    return files("ciudadana.standards") / "territories" / iso3.strip().lower()


def load_pack(iso3: str) -> TerritoryPack:
    """The pack of a country (cached, case-insensitive).

    Raises:
        UnknownTerritoryPack: there is no folder for ``iso3``; the message lists those there are.

    Example:
        >>> load_pack("gtm").name("0101")
        'Guatemala'
    """
    return _load(_folder(iso3).name.upper())


@cache
def _load(iso3: str) -> TerritoryPack:
    return TerritoryPack(_folder(iso3))


def check_pack(iso3: str) -> list[str]:
    """The problems of a pack, in the language of messages (an empty list when it is fine).

    Checks ``pack.yaml``; codes (unique, digits of their level, under their parent);
    coordinates; names (each official name finds its division within its parent; a name or
    alias shared by several divisions resolves as ambiguous); population rows; boundary codes.

    Example:
        >>> check_pack("GTM")
        []
    """
    root = _folder(iso3)
    try:
        pack = TerritoryPack(root)
    except ValidationError as error:
        return [f"pack.yaml: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    except (OSError, KeyError, ValueError, yaml.YAMLError) as error:
        return [f"{type(error).__name__}: {error}"]
    problems, rows = [], read_csv(root / pack.spec.divisions)
    repeated = Counter(r["code"] for r in rows)
    for n, row in enumerate(rows, start=2):
        d, lv = pack.divisions[row["code"]], pack._level.get(int(row["level"]))
        parent = pack.divisions.get(d.parent_code or "")
        if repeated[d.code] > 1:
            problems.append(_("fila {row}: código repetido {code}").format(row=n, code=d.code))
        if lv is None or not d.code.isdigit() or len(d.code) != lv.digits:
            problems.append(
                _("fila {row}: {code} no tiene los dígitos del nivel {level}").format(
                    row=n, code=d.code, level=d.level
                )
            )
        elif lv != pack.levels[0] and not (
            parent and parent.level == d.level - 1 and d.code.startswith(parent.code)
        ):
            problems.append(
                _("fila {row}: el padre {parent} de {code} no existe o no le toca").format(
                    row=n, parent=d.parent_code, code=d.code
                )
            )
        if (d.lat is None) != (d.lon is None) or abs(d.lat or 0) > 90 or abs(d.lon or 0) > 180:
            problems.append(_("fila {row}: coordenadas incompletas o fuera de rango").format(row=n))
    for d in pack.divisions.values():
        if pack.resolve_name(d.name, d.level, d.parent_code).code != d.code:
            problems.append(
                _("{code} {name}: su nombre oficial no lo identifica en su padre").format(
                    code=d.code, name=d.name
                )
            )
    for level, index in pack._indexes.items():
        for key, codes in index.shared_keys().items():
            if not set(codes) <= set(pack.resolve_name(key, level).candidates):
                problems.append(
                    _("{name} ({codes}) no se resuelve como ambiguo").format(
                        name=repr(key), codes=", ".join(codes)
                    )
                )
    return problems + _check_files(pack)


def _check_files(pack: TerritoryPack) -> list[str]:
    problems, pop, path = [], pack.spec.population, pack.population_path()
    if path is not None:
        codes = {d.code for d in pack.divisions.values() if d.level == pop.level}
        for n, r in enumerate(read_csv(path) if path.is_file() else [{}], start=2):
            numbers = [r.get(k) or "0" for k in ("year", "age_min", "age_max", "population")]
            numbers[3] = numbers[3].replace(".", "", 1)
            if (
                r.get("code") not in codes
                or r["sex"] not in SEXES
                or not all(x.isdigit() for x in numbers)
            ):
                problems.append(
                    _("{file}, fila {row}: falta el archivo o la fila no vale: {values}").format(
                        file=pop.file, row=n, values=r
                    )
                )
    for level, file in pack.spec.boundaries.items():
        path = pack.boundaries_path(level)
        topology = json.loads(path.read_text("utf-8")) if path and path.is_file() else {}
        objects = list(topology.get("objects", {}).values())
        codes = {g["properties"]["code"] for o in objects[:1] for g in o["geometries"]}
        expected = {d.code for d in pack.divisions.values() if d.level == level}
        if codes != expected:
            extra, missing = sorted(codes - expected), sorted(expected - codes)
            problems.append(
                _("{file}: códigos sobrantes {extra}, faltantes {missing}").format(
                    file=file, extra=extra, missing=missing
                )
            )
    return problems[:100]
