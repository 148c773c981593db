"""The UNODC International Classification of Crime for Statistical Purposes (ICCS v1.0), as shipped.

The classification lives in ``standards/data/iccs.csv`` (origin and changes in ``SOURCES.md``
beside it): the 11 sections (level 1, codes ``"01"`` to ``"11"``), the 309 official categories
(level 2 has 4 digits, level 3 has 5, level 4 has 6: ``"0101"``, ``"01031"``, ``"010321"``) and a
few national extensions that Latin American reporting needs and ICCS v1.0 lacks, coded as their
official parent plus two digits (``"0101.01"`` femicide, under ``"0101"`` intentional homicide).
Codes are always strings with their leading zeros.

Example:
    >>> iccs = load_iccs()
    >>> iccs.get("02051").label("en")
    'Extortion or blackmail'
    >>> iccs.normalize(101)
    '0101'
    >>> iccs.is_within("0101.01", "01")
    True
    >>> [offence.code for offence in iccs.search("extorsion")]
    ['02051', '0205']
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _, current_language

ICCS_VERSION = "1.0"
LANGUAGES = ("es", "en")

_CODE_SHAPE = re.compile(r"(\d{1,6})(\.\d{2})?")
_ICCS_PREFIX = re.compile(r"^iccs[\s:#\-]*", re.IGNORECASE)
_PAD_WIDTHS = (2, 4, 5, 6)  # section, level 2, level 3, level 4


class UnknownIccsCode(CiudadanaError):
    """A value that names no ICCS category, official or national."""

    code = "unknown-iccs-code"


class AmbiguousIccsCode(CiudadanaError):
    """A value that could be more than one ICCS code once its leading zeros are restored."""

    code = "ambiguous-iccs-code"


@dataclass(frozen=True)
class Offence:
    """One category of the classification: a section, an official category or a national extension.

    Attributes:
        code: the official code with its leading zeros (``"0101"``), or parent code plus two digits
            for a national extension (``"0101.01"``).
        level: 1 for a section, 2 to 4 for official categories; an extension is one level below
            its parent.
        parent: the code of the level above (``None`` for a section).
        section: the 2-digit section code.
        label_es: the Spanish label of the ICCS v1.0 manual.
        label_en: the English label of the ICCS v1.0 manual.
        definition_es: the manual's definition (empty for sections).
        inclusions_es: what the category includes, ``;``-separated as in the manual.
        exclusions_es: what it excludes, with the codes where those acts belong.
        national: True for a national or regional extension that is not part of ICCS v1.0.
        note: why an extension exists and its legal basis, or what we corrected in a row.
    """

    code: str
    level: int
    parent: str | None
    section: str
    label_es: str
    label_en: str
    definition_es: str
    inclusions_es: str
    exclusions_es: str
    national: bool
    note: str

    def label(self, lang: str = "es") -> str:
        """The label in ``"es"`` (default) or ``"en"``.

        Example:
            >>> load_iccs().get("0401").label("en")
            'Robbery'
        """
        _check_language(lang)
        return self.label_es if lang == "es" else self.label_en


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise CiudadanaError(
            _(
                'El idioma "{lang}" no está disponible para las etiquetas ICCS: use "es" o "en".'
            ).format(lang=lang),
            code="unknown-language",
        )


def _label(offence: Offence) -> str:
    """The label in the language of messages (Spanish where ICCS has no label in it)."""
    return offence.label_en if current_language() == "en" else offence.label_es


def fold(text: str) -> str:
    """Lowercase ``text``, drop accents and collapse spaces, for accent-insensitive comparison.

    Example:
        >>> fold("  Extorsión o  CHANTAJE ")
        'extorsion o chantaje'
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _match_rank(candidate: str, query: str) -> int | None:
    """0 same text, 1 starts with the query, 2 a word starts with it, 3 has all its words."""
    if candidate == query:
        return 0
    if candidate.startswith(query):
        return 1
    if re.search(r"(?<!\w)" + re.escape(query), candidate):
        return 2
    if all(word in candidate for word in query.split()):
        return 3
    return None


class Iccs:
    """The classification as a tree of :class:`Offence`, looked up by code.

    Args:
        offences: every category; each parent must be among them.

    Example:
        >>> iccs = load_iccs()
        >>> "0101" in iccs, "101" in iccs
        (True, False)
        >>> [child.code for child in iccs.children("0103")]
        ['01031', '01032']
    """

    def __init__(self, offences: Iterable[Offence]) -> None:
        self._by_code = {o.code: o for o in sorted(offences, key=lambda o: o.code)}
        self._children: dict[str, list[Offence]] = {}
        for offence in self._by_code.values():
            if offence.parent is None:
                continue
            if offence.parent not in self._by_code:
                raise CiudadanaError(
                    _(
                        'La categoría ICCS "{code}" tiene como padre "{parent}", que no está en '
                        "la clasificación. Corrija la columna parent de iccs.csv."
                    ).format(code=offence.code, parent=offence.parent),
                    code="invalid-iccs-data",
                )
            self._children.setdefault(offence.parent, []).append(offence)
        self._folded = {
            code: (
                fold(o.label_es),
                fold(o.label_en),
                [fold(item) for item in o.inclusions_es.split(";") if item.strip()],
            )
            for code, o in self._by_code.items()
        }

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Offence]:
        """Every category in code order: a parent comes right before its descendants."""
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __repr__(self) -> str:
        return f"<Iccs v{ICCS_VERSION}: {len(self)} categorías>"

    def get(self, code: str) -> Offence:
        """The category with exactly this code (official with leading zeros, or an extension).

        Raises:
            UnknownIccsCode: with close codes or labels to write instead.

        Example:
            >>> load_iccs().get("1004").section
            '10'
        """
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise UnknownIccsCode(self._unknown_message(code)) from None

    def normalize(self, value: str | int) -> str:
        """The official code that ``value`` stands for, restoring lost leading zeros.

        Accepts ``"0101"``, ``" 0101 "``, ``"ICCS 0101"``, ``"0101.01"`` and codes that lost their
        leading zero when a spreadsheet read them as numbers (``101``, ``"1031"``). An exact code
        wins; otherwise the digits are left-padded to 2, 4, 5 and 6 digits and the value is
        accepted only when exactly one of those is a code.

        Raises:
            UnknownIccsCode: when no code matches; the message names close codes.
            AmbiguousIccsCode: when padding yields more than one code.

        Example:
            >>> iccs = load_iccs()
            >>> iccs.normalize("ICCS 2051"), iccs.normalize("1004"), iccs.normalize("1031")
            ('02051', '1004', '01031')
        """
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise UnknownIccsCode(self._unknown_message(value))
        text = _ICCS_PREFIX.sub("", str(value).strip()).strip()
        if text in self._by_code:
            return text
        shape = _CODE_SHAPE.fullmatch(text)
        if shape is None:
            raise UnknownIccsCode(self._unknown_message(value))
        digits, extension = shape.group(1), shape.group(2) or ""
        candidates = sorted(
            {digits.zfill(width) + extension for width in _PAD_WIDTHS if width >= len(digits)}
            & self._by_code.keys()
        )
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise UnknownIccsCode(self._unknown_message(value))
        named = [f'"{c}" ({_label(self._by_code[c])})' for c in candidates]
        options = _("{others} o {last}").format(others=", ".join(named[:-1]), last=named[-1])
        raise AmbiguousIccsCode(
            _(
                'El código ICCS "{value}" es ambiguo: puede ser {options}. Escriba el código '
                "completo, con sus ceros a la izquierda."
            ).format(value=value, options=options)
        )

    def parent(self, code: str) -> Offence | None:
        """The category one level up, or ``None`` for a section."""
        offence = self.get(code)
        return None if offence.parent is None else self._by_code[offence.parent]

    def ancestors(self, code: str) -> list[Offence]:
        """Every category above ``code``, from its section down to its parent.

        Example:
            >>> [o.code for o in load_iccs().ancestors("010321")]
            ['01', '0103', '01032']
        """
        chain: list[Offence] = []
        parent = self.parent(code)
        while parent is not None:
            chain.append(parent)
            parent = self.parent(parent.code)
        return chain[::-1]

    def children(self, code: str) -> list[Offence]:
        """The categories one level below ``code``, in code order."""
        return list(self._children.get(self.get(code).code, []))

    def descendants(self, code: str) -> list[Offence]:
        """Every category below ``code`` at any depth, in code order."""
        found: list[Offence] = []
        for child in self.children(code):
            found.append(child)
            found.extend(self.descendants(child.code))
        return found

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when ``code`` is ``ancestor`` itself or lies anywhere below it.

        Example:
            >>> iccs = load_iccs()
            >>> iccs.is_within("0101.01", "0101"), iccs.is_within("0102", "0101")
            (True, False)
        """
        target = self.get(ancestor).code
        return self.get(code).code == target or any(a.code == target for a in self.ancestors(code))

    def search(self, text: str, lang: str = "es", limit: int = 10) -> list[Offence]:
        """Categories whose label matches ``text``, ignoring accents and case.

        Ranked: the exact label, then labels that start with ``text``, then labels with a word
        that starts with it, then labels containing every word of ``text``. In Spanish, categories
        whose manual inclusions match come after, ranked the same way (``"lesiones"`` finds
        assault, ``020111``).

        Example:
            >>> [o.code for o in load_iccs().search("robbery", lang="en", limit=2)]
            ['0401', '04011']
        """
        _check_language(lang)
        query = fold(text)
        if not query or limit <= 0:
            return []
        ranked: list[tuple[int, str]] = []
        for code, (label_es, label_en, inclusions) in self._folded.items():
            rank = _match_rank(label_es if lang == "es" else label_en, query)
            if rank is None and lang == "es":
                ranks = [r for item in inclusions if (r := _match_rank(item, query)) is not None]
                rank = min(ranks) + 4 if ranks else None
            if rank is not None:
                ranked.append((rank, code))
        return [self._by_code[code] for _, code in sorted(ranked)[:limit]]

    def rows(self) -> list[dict[str, object]]:
        """One dict per category, in code order, with the CSV's columns (for a database table)."""
        return [asdict(offence) for offence in self]

    def _unknown_message(self, value: object) -> str:
        example = f'"0101" ({_label(self._by_code["0101"])})'
        if not str(value).strip():
            return _(
                "Falta el código ICCS. Escriba el código oficial con sus ceros a la izquierda, "
                "como {example}."
            ).format(example=example)
        suggestions = ", ".join(f"{c} ({_label(self._by_code[c])})" for c in self._suggest(value))
        close = (
            " " + _("Códigos cercanos: {codes}.").format(codes=suggestions) if suggestions else ""
        )
        national = self._by_code.get("0101.01")
        return _(
            '"{value}" no es un código de la ICCS v{version} ni una extensión nacional.{close} '
            "Escriba el código oficial con sus ceros a la izquierda, como {example}, o una "
            'extensión nacional como "0101.01" ({national}).'
        ).format(
            value=value,
            version=ICCS_VERSION,
            close=close,
            example=example,
            national=_label(national) if national else "",
        )

    def _suggest(self, value: object, limit: int = 3) -> list[str]:
        """Codes close to ``value``: by label for text, by shared leading digits for numbers."""
        text = _ICCS_PREFIX.sub("", str(value).strip()).strip()
        if re.search(r"[^\W\d_]", text):
            found = self.search(text, limit=limit)
            if not found:
                labels = {fold(o.label_es): o for o in self}
                close = difflib.get_close_matches(fold(text), labels, n=limit, cutoff=0.6)
                found = [labels[label] for label in close]
            return [o.code for o in found]
        forms = {text} | {text.zfill(w) for w in _PAD_WIDTHS if w > len(text)}

        def closeness(code: str) -> tuple[int, float]:
            return max(
                (
                    len(os.path.commonprefix([code, form])),
                    difflib.SequenceMatcher(None, code, form).ratio(),
                )
                for form in forms
            )

        return sorted(self._by_code, key=closeness, reverse=True)[:limit]


def parse_iccs_csv(text: str) -> list[Offence]:
    """Read the rows of an ``iccs.csv`` file (the shipped one or a country's own copy)."""
    offences = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        if row["national"] not in ("true", "false"):
            raise CiudadanaError(
                _(
                    'iccs.csv, fila {row}, campo "national": "{value}" no es válido. Escriba '
                    '"true" o "false".'
                ).format(row=number, value=row["national"]),
                code="invalid-iccs-data",
            )
        typed = {"level": int(row["level"]), "parent": row["parent"] or None}
        offences.append(Offence(**{**row, **typed, "national": row["national"] == "true"}))
    return offences


@cache
def load_iccs() -> Iccs:
    """The shipped classification (read once, then cached).

    Example:
        >>> len(load_iccs())
        324
    """
    data = resources.files("ciudadana.standards") / "data" / "iccs.csv"
    return Iccs(parse_iccs_csv(data.read_text(encoding="utf-8")))
