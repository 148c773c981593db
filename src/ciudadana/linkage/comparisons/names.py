"""Comparisons of Latin American names: two surnames, compound given names, generic names.

The columns come from :func:`ciudadana.linkage.names.person_name` (see ``linkage/names.py``).
Term-frequency adjustments use frequencies computed from the data being linked: a shared
"López García" says less than a shared "Cojulún Tzul".

Example:
    >>> [lvl.label_for_charts for lvl in Surnames().levels()][:3]
    ['Dato ausente', 'Ambos apellidos iguales', 'Apellidos invertidos']
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
class Surnames(Comparison):
    """Two surnames: equal, swapped, misspelt, one missing, a married form ("de X"), one shared.

    Levels: both equal (term frequency of the pair); swapped; both alike (Jaro-Winkler or the
    Spanish sound key); first equal and the second missing or in married form (frequency of
    the first); first equal, second different (frequency of the first); second equal, first
    different (frequency of the second); any surname shared; first alike; different.
    """

    type: Literal["surnames"] = "surnames"
    term_frequency: bool = True
    jaro_winkler: float = 0.92
    identifying = True

    def columns(self) -> list[str]:
        return [
            "surname1",
            "surname2",
            "surname_pair",
            "married",
            "surname_tokens",
            "surname1_ph",
            "surname2_ph",
        ]

    def levels(self) -> list[ComparisonLevelCreator]:
        tf = self.term_frequency
        jw = self.jaro_winkler

        def freq(column: str) -> dict[str, str]:
            return {"tf_adjustment_column": column} if tf else {}

        both_alike = cll.Or(
            cll.And(cll.ExactMatchLevel("surname1_ph"), cll.ExactMatchLevel("surname2_ph")),
            cll.And(cll.JaroWinklerLevel("surname1", jw), cll.JaroWinklerLevel("surname2", jw)),
        )
        second_absent = cll.Or(
            cll.NullLevel("surname2"), custom("married_l or married_r", "forma de casada")
        )
        return [
            null_level("surname1"),
            labelled(
                cll.ExactMatchLevel("surname_pair"),
                "Ambos apellidos iguales",
                **freq("surname_pair"),
            ),
            labelled(
                cll.ColumnsReversedLevel("surname1", "surname2", symmetrical=True),
                "Apellidos invertidos",
            ),
            labelled(both_alike, "Ambos apellidos parecidos"),
            labelled(
                cll.And(cll.ExactMatchLevel("surname1"), second_absent),
                "Primer apellido igual; el segundo falta o es de casada",
                **freq("surname1"),
            ),
            labelled(
                cll.ExactMatchLevel("surname1"),
                "Primer apellido igual; el segundo distinto",
                **freq("surname1"),
            ),
            labelled(
                cll.ExactMatchLevel("surname2"),
                "Segundo apellido igual; el primero distinto",
                **freq("surname2"),
            ),
            labelled(cll.ArrayIntersectLevel("surname_tokens", 1), "Comparten un apellido"),
            labelled(
                cll.Or(cll.JaroWinklerLevel("surname1", jw), cll.ExactMatchLevel("surname1_ph")),
                "Primer apellido parecido",
            ),
            else_level(),
        ]


@register
class GivenNames(Comparison):
    """Given names: all equal, the second one missing, misspelt, shared in another order.

    Levels: all equal (frequency of the whole); first equal and one side has only it
    (frequency of the first); alike (Jaro-Winkler or sound key of the first and the whole);
    first equal, the rest different; a given name shared; first alike; different.
    """

    type: Literal["given_names"] = "given_names"
    term_frequency: bool = True
    jaro_winkler: float = 0.92
    identifying = True

    def columns(self) -> list[str]:
        return ["given1", "given_all", "given_tokens", "given1_ph"]

    def levels(self) -> list[ComparisonLevelCreator]:
        tf = self.term_frequency
        jw = self.jaro_winkler

        def freq(column: str) -> dict[str, str]:
            return {"tf_adjustment_column": column} if tf else {}

        return [
            null_level("given1"),
            labelled(cll.ExactMatchLevel("given_all"), "Nombres iguales", **freq("given_all")),
            labelled(
                cll.And(
                    cll.ExactMatchLevel("given1"),
                    custom(
                        "given_all_l = given1_l or given_all_r = given1_r",
                        "un registro solo trae el primer nombre",
                    ),
                ),
                "Primer nombre igual; el segundo falta",
                **freq("given1"),
            ),
            labelled(
                cll.Or(
                    cll.JaroWinklerLevel("given_all", jw),
                    cll.And(
                        cll.ExactMatchLevel("given1_ph"),
                        cll.ArrayIntersectLevel("given_tokens", 2),
                    ),
                ),
                "Nombres parecidos",
            ),
            labelled(
                cll.ExactMatchLevel("given1"),
                "Primer nombre igual; el segundo distinto",
                **freq("given1"),
            ),
            labelled(cll.ArrayIntersectLevel("given_tokens", 1), "Comparten un nombre"),
            labelled(
                cll.Or(cll.JaroWinklerLevel("given1", 0.88), cll.ExactMatchLevel("given1_ph")),
                "Primer nombre parecido",
            ),
            else_level(),
        ]


@register
class Name(Comparison):
    """Splink's name comparison on one column: exact (with term frequency), Jaro-Winkler.

    Example:
        >>> Name(column="surname", jaro_winkler=[0.9, 0.7]).columns()
        ['surname']
    """

    type: Literal["name"] = "name"
    column: str
    jaro_winkler: list[float] = [0.92, 0.88, 0.7]
    term_frequency: bool = True
    identifying = True

    def columns(self) -> list[str]:
        return [self.column]

    def build(self) -> ComparisonCreator:
        comp = cl.NameComparison(self.column, jaro_winkler_thresholds=self.jaro_winkler)
        if self.term_frequency:
            comp = comp.configure(term_frequency_adjustments=True)
        return comp


@register
class ForenameSurname(Comparison):
    """A given name and a surname compared together, so that a swap is still a match.

    Levels: both equal; swapped (exactly, or alike crosswise); both alike at each Jaro-Winkler
    threshold; surname equal (term frequency); given name equal (term frequency); different.

    Example:
        >>> ForenameSurname(forename="given_name", surname="surname").columns()
        ['given_name', 'surname']
    """

    type: Literal["forename_surname"] = "forename_surname"
    forename: str
    surname: str
    jaro_winkler: list[float] = [0.92, 0.88]
    term_frequency: bool = True
    identifying = True

    def columns(self) -> list[str]:
        return [self.forename, self.surname]

    def levels(self) -> list[ComparisonLevelCreator]:
        f, s = self.forename, self.surname

        def freq(column: str) -> dict[str, str]:
            return {"tf_adjustment_column": column} if self.term_frequency else {}

        levels = [
            labelled(
                cll.And(cll.NullLevel(f), cll.NullLevel(s)),
                "Faltan nombre y apellido",
                is_null_level=True,
            ),
            labelled(
                cll.And(cll.ExactMatchLevel(f), cll.ExactMatchLevel(s)),
                "Nombre y apellido iguales",
                **freq(s),
            ),
            labelled(
                cll.ColumnsReversedLevel(f, s, symmetrical=True), "Nombre y apellido invertidos"
            ),
            custom(
                f"jaro_winkler_similarity({f}_l, {s}_r) >= {self.jaro_winkler[-1]} "
                f"and jaro_winkler_similarity({s}_l, {f}_r) >= {self.jaro_winkler[-1]}",
                "Invertidos y parecidos",
            ),
        ]
        for t in self.jaro_winkler:
            levels.append(
                labelled(
                    cll.And(cll.JaroWinklerLevel(f, t), cll.JaroWinklerLevel(s, t)),
                    f"Ambos parecidos (Jaro-Winkler ≥ {t:g})",
                )
            )
        levels += [
            labelled(cll.ExactMatchLevel(s), "Apellido igual", **freq(s)),
            labelled(cll.ExactMatchLevel(f), "Nombre igual", **freq(f)),
            labelled(
                cll.Or(cll.JaroWinklerLevel(s, 0.88), cll.JaroWinklerLevel(f, 0.88)),
                "Nombre o apellido parecido",
            ),
            else_level(),
        ]
        return levels
