"""Dates: of birth (or only an age at a known date), and of an event within a window.

Many records carry an age, not a birth date. ``birth_year`` is the birth date as a decimal year
when known, else the date of the event minus the age minus half a year: two records of the same
person then agree within about a year, and an age written one to three years off still lands
in the next level.

Example:
    >>> [lvl.label_for_charts for lvl in Birth().levels()][1:3]
    ['Fecha de nacimiento igual', 'Año de nacimiento a ±1 año']
    >>> [lvl.label_for_charts for lvl in DateWindow(column="event_date").levels()][1:3]
    ['Misma fecha', 'A ±1 días']
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
class Birth(Comparison):
    """Date of birth, or age at the event: equal date; birth years within each threshold."""

    type: Literal["birth"] = "birth"
    date_column: str = "birth_date"
    year_column: str = "birth_year"
    years: list[float] = [1.0, 3.0]
    identifying = True

    def columns(self) -> list[str]:
        return [self.date_column, self.year_column]

    def presence_column(self) -> str:
        return self.year_column

    def levels(self) -> list[ComparisonLevelCreator]:
        year = self.year_column
        levels = [
            null_level(year),
            labelled(cll.ExactMatchLevel(self.date_column), "Fecha de nacimiento igual"),
        ]
        for limit in self.years:
            levels.append(
                custom(
                    f"abs({year}_l - {year}_r) <= {limit + 0.01}",
                    f"Año de nacimiento a ±{limit:g} año" + ("s" if limit != 1 else ""),
                )
            )
        return [*levels, else_level()]


def _one_of(column: str, side: str, values: list[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"coalesce({column}_{side} in ({quoted}), false)"


@register
class DateWindow(Comparison):
    """An event's date: the same day, then within each window of days (date-shifted records).

    With ``exclude_column``/``exclude_values``, a pair where either record is of that kind
    (a protection order, dated days after the event) says nothing here: see ``date_lag``.
    """

    type: Literal["date_window"] = "date_window"
    column: str
    days: list[int] = [1, 3, 7, 30]
    exclude_column: str | None = None
    exclude_values: list[str] = []

    def columns(self) -> list[str]:
        return [self.column] + ([self.exclude_column] if self.exclude_column else [])

    def levels(self) -> list[ComparisonLevelCreator]:
        null = null_level(self.column)
        if self.exclude_column:
            col, values = self.exclude_column, self.exclude_values
            null = labelled(
                cll.Or(
                    cll.NullLevel(self.column),
                    custom(f"{_one_of(col, 'l', values)} or {_one_of(col, 'r', values)}", "x"),
                ),
                "Dato ausente o registro con fecha posterior",
                is_null_level=True,
            )
        levels = [null, labelled(cll.ExactMatchLevel(self.column), "Misma fecha")]
        for days in self.days:
            levels.append(
                labelled(
                    cll.AbsoluteDateDifferenceLevel(
                        self.column, input_is_string=False, threshold=days, metric="day"
                    ),
                    f"A ±{days} días",
                )
            )
        return [*levels, else_level()]


@register
class DateLag(Comparison):
    """A record dated some days after the event it follows (a protection order, a court
    entry): its date from 0 to each number of ``days`` after the other record's.

    Compared only when exactly one of the two records is of the lagged kind.

    Example:
        >>> lag = DateLag(column="event_date", lagged_column="counting_unit",
        ...               lagged_values=["order"])
        >>> [lvl.label_for_charts for lvl in lag.levels()][1:3]
        ['De 0 a 3 días después', 'De 0 a 15 días después']
    """

    type: Literal["date_lag"] = "date_lag"
    column: str
    lagged_column: str
    lagged_values: list[str]
    days: list[int] = [3, 15, 45]

    def columns(self) -> list[str]:
        return [self.column, self.lagged_column]

    def levels(self) -> list[ComparisonLevelCreator]:
        d, col, values = self.column, self.lagged_column, self.lagged_values
        left, right = _one_of(col, "l", values), _one_of(col, "r", values)
        lag = (
            f"case when {left} then date_diff('day', {d}_r, {d}_l) "
            f"else date_diff('day', {d}_l, {d}_r) end"
        )
        levels = [
            labelled(
                custom(f"{d}_l is null or {d}_r is null or ({left}) = ({right})", "x"),
                "Ninguno (o ambos) con fecha posterior",
                is_null_level=True,
            )
        ]
        for days in self.days:
            levels.append(custom(f"{lag} between 0 and {days}", f"De 0 a {days} días después"))
        return [*levels, else_level()]


@register
class DateOfBirth(Comparison):
    """Splink's date-of-birth comparison (exact, one character, month, year, ten years).

    Example:
        >>> DateOfBirth(column="dob", input_is_string=True, datetime_format="%Y%m%d").columns()
        ['dob']
    """

    type: Literal["date_of_birth"] = "date_of_birth"
    column: str
    input_is_string: bool = False
    datetime_format: str | None = None
    identifying = True

    def columns(self) -> list[str]:
        return [self.column]

    def build(self) -> ComparisonCreator:
        formats = [self.datetime_format] if self.datetime_format else None
        return cl.DateOfBirthComparison(
            self.column,
            input_is_string=self.input_is_string,
            datetime_format=formats[0] if formats else None,
            invalid_dates_as_null=self.input_is_string,
        )
