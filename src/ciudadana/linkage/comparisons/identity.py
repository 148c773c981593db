"""Identity numbers with typos: Guatemala's CUI (DPI) and any other national number.

A CUI has 13 digits: serial (8), verifier (1), department (2) and municipality (2) of
registration. A mistyped digit or two swapped neighbours is one Damerau-Levenshtein edit; two
edits are still likely the same person when the municipality of registration (digits 10-13)
agrees.

Example:
    >>> [lvl.label_for_charts for lvl in IdentityNumber().levels()][1:3]
    ['Número igual', 'Un dígito distinto o dos trocados']
"""

from __future__ import annotations

from typing import Literal

import splink.comparison_level_library as cll
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from ciudadana.linkage.comparisons.base import (
    Comparison,
    else_level,
    labelled,
    null_level,
    register,
)


@register
class IdentityNumber(Comparison):
    """An identity number: equal; one typo or transposition; two, same registration place."""

    type: Literal["identity_number"] = "identity_number"
    column: str = "id_number"
    registration_column: str | None = "id_municipality"
    identifying = True

    def columns(self) -> list[str]:
        return [self.column] + ([self.registration_column] if self.registration_column else [])

    def levels(self) -> list[ComparisonLevelCreator]:
        col = self.column
        levels = [
            null_level(col),
            labelled(cll.ExactMatchLevel(col), "Número igual"),
            labelled(cll.DamerauLevenshteinLevel(col, 1), "Un dígito distinto o dos trocados"),
        ]
        if self.registration_column:
            levels.append(
                labelled(
                    cll.And(
                        cll.ExactMatchLevel(self.registration_column),
                        cll.DamerauLevenshteinLevel(col, 2),
                    ),
                    "Mismo municipio de inscripción, dos dígitos distintos",
                )
            )
        return [*levels, else_level()]
