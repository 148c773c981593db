"""Generic comparisons: exact, string distances, numbers, places and offence codes.

Example:
    >>> [lvl.label_for_charts for lvl in Territory().levels()][1:]  # doctest: +NORMALIZE_WHITESPACE
    ['Mismo municipio', 'Municipio igual al de inscripción del DPI', 'Mismo departamento',
     'Distintos']
    >>> [lvl.label_for_charts for lvl in Offence().levels()][1:]
    ['Mismo código ICCS', 'Misma categoría ICCS (4 dígitos)', 'Misma sección ICCS', 'Distintos']
"""

from __future__ import annotations

from typing import Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from ciudadana.linkage.comparisons.base import (
    Comparison,
    custom,
    else_level,
    labelled,
    null_level,
    register,
)


@register
class Exact(Comparison):
    """Equal or not (sex, a code), optionally with term-frequency adjustment.

    Example:
        >>> Exact(column="sex").columns()
        ['sex']
    """

    type: Literal["exact"] = "exact"
    column: str
    term_frequency: bool = False
    identifying_column: bool = False

    def columns(self) -> list[str]:
        return [self.column]

    def build(self) -> ComparisonCreator:
        comp = cl.ExactMatch(self.column)
        if self.term_frequency:
            comp = comp.configure(term_frequency_adjustments=True)
        return comp


@register
class JaroWinkler(Comparison):
    """Jaro-Winkler similarity at thresholds (with an exact level first)."""

    type: Literal["jaro_winkler"] = "jaro_winkler"
    column: str
    thresholds: list[float] = [0.9, 0.7]
    term_frequency: bool = False

    def columns(self) -> list[str]:
        return [self.column]

    def build(self) -> ComparisonCreator:
        comp = cl.JaroWinklerAtThresholds(self.column, self.thresholds)
        if self.term_frequency:
            comp = comp.configure(term_frequency_adjustments=True)
        return comp


@register
class DamerauLevenshtein(Comparison):
    """Damerau-Levenshtein edits at thresholds (typos and swapped neighbours)."""

    type: Literal["damerau_levenshtein"] = "damerau_levenshtein"
    column: str
    thresholds: list[int] = [1, 2]
    term_frequency: bool = False
    identifying = True

    def columns(self) -> list[str]:
        return [self.column]

    def build(self) -> ComparisonCreator:
        comp = cl.DamerauLevenshteinAtThresholds(self.column, self.thresholds)
        if self.term_frequency:
            comp = comp.configure(term_frequency_adjustments=True)
        return comp


@register
class NumericDifference(Comparison):
    """A number (an age) within each absolute difference."""

    type: Literal["numeric_difference"] = "numeric_difference"
    column: str
    thresholds: list[float] = [0, 1, 3]

    def columns(self) -> list[str]:
        return [self.column]

    def levels(self) -> list[ComparisonLevelCreator]:
        levels = [null_level(self.column)]
        for t in self.thresholds:
            label = "Iguales" if t == 0 else f"A ±{t:g}"
            levels.append(labelled(cll.AbsoluteDifferenceLevel(self.column, t), label))
        return [*levels, else_level()]


@register
class Territory(Comparison):
    """Municipality; the other's identity number registered here; department."""

    type: Literal["territory"] = "territory"
    municipality_column: str = "territory_code"
    department_column: str = "department_code"
    registration_column: str | None = "id_municipality"

    def columns(self) -> list[str]:
        cols = [self.municipality_column, self.department_column]
        return cols + ([self.registration_column] if self.registration_column else [])

    def presence_column(self) -> str:
        return self.department_column

    def levels(self) -> list[ComparisonLevelCreator]:
        muni, dept = self.municipality_column, self.department_column
        levels = [
            null_level(dept),
            labelled(cll.ExactMatchLevel(muni), "Mismo municipio"),
        ]
        if self.registration_column:
            reg = self.registration_column
            levels.append(
                custom(
                    f"{reg}_l = {muni}_r or {reg}_r = {muni}_l",
                    "Municipio igual al de inscripción del DPI",
                )
            )
        levels.append(labelled(cll.ExactMatchLevel(dept), "Mismo departamento"))
        return [*levels, else_level()]


@register
class Offence(Comparison):
    """ICCS codes: the same code, the same 4-digit category, the same section."""

    type: Literal["offence"] = "offence"
    column: str = "iccs_code"

    def columns(self) -> list[str]:
        return [self.column]

    def levels(self) -> list[ComparisonLevelCreator]:
        c = self.column
        return [
            null_level(c),
            labelled(cll.ExactMatchLevel(c), "Mismo código ICCS"),
            custom(
                f"substr({c}_l, 1, 4) = substr({c}_r, 1, 4)", "Misma categoría ICCS (4 dígitos)"
            ),
            custom(f"substr({c}_l, 1, 2) = substr({c}_r, 1, 2)", "Misma sección ICCS"),
            else_level(),
        ]


@register
class Reference(Comparison):
    """One record cites the other (a court case's prosecutor number): exactly, or one digit off.

    Compared only when one record's citation has the shape of the other's identifier (digits
    as 9: ``M0011-2019-00002`` and ``M9999-9999-99999``); otherwise there is nothing to say.

    Example:
        >>> Reference().columns()
        ['related_record_id', 'record_id']
    """

    type: Literal["reference"] = "reference"
    column: str = "related_record_id"
    target_column: str = "record_id"
    identifying = True

    def columns(self) -> list[str]:
        return [self.column, self.target_column]

    def levels(self) -> list[ComparisonLevelCreator]:
        ref, rec = self.column, self.target_column

        def shape(col: str) -> str:
            return f"translate({col}, '0123456789', '9999999999')"

        comparable = (
            f"coalesce({shape(ref + '_l')} = {shape(rec + '_r')}, false) "
            f"or coalesce({shape(ref + '_r')} = {shape(rec + '_l')}, false)"
        )
        return [
            labelled(
                custom(f"not ({comparable})", "Ninguno cita al tipo del otro"),
                "Ninguno cita al tipo del otro",
                is_null_level=True,
            ),
            custom(f"{ref}_l = {rec}_r or {ref}_r = {rec}_l", "Uno cita al otro"),
            custom(
                f"damerau_levenshtein({ref}_l, {rec}_r) <= 1 "
                f"or damerau_levenshtein({ref}_r, {rec}_l) <= 1",
                "Uno cita al otro con un carácter distinto",
            ),
            else_level(),
        ]
