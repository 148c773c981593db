"""The base of every named comparison and the registry that settings files look types up in.

A comparison is a small Pydantic model with a stable ``type`` slug (``surnames``,
``identity_number``...), its options, and :meth:`Comparison.build`, which returns a Splink
comparison (dialect-free: the same object compiles for DuckDB and for Spark). Built-in
comparisons register exactly as a third party's would, with :func:`register`.

Example:
    >>> from ciudadana.linkage.comparisons import comparison_from_dict
    >>> comp = comparison_from_dict({"type": "exact", "column": "sex"})
    >>> comp.columns()
    ['sex']
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from pydantic import BaseModel, ConfigDict
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from ciudadana.i18n import _

#: type slug -> comparison model.
REGISTRY: dict[str, type[Comparison]] = {}

C = TypeVar("C", bound="type[Comparison]")


class Comparison(BaseModel):
    """A named comparison of two records. Subclasses set ``type`` and implement ``build``.

    Attributes:
        type: the stable slug written in settings files.
        name: the output column of the comparison (``gamma_<name>``); defaults to the type.
        description: what it compares, for people reading the model.
    """

    model_config = ConfigDict(extra="forbid")

    type: str
    name: str | None = None
    description: str | None = None
    m_probabilities: list[float] | None = None
    fix_m: bool = False

    #: Columns that identify a person (names, numbers, birth): a source needs one in common.
    identifying: ClassVar[bool] = False

    @property
    def output_name(self) -> str:
        return self.name or self.type

    def columns(self) -> list[str]:
        """The input columns the comparison reads."""
        raise NotImplementedError

    def presence_column(self) -> str:
        """The column that must have data somewhere for the comparison to be usable."""
        return self.columns()[0]

    def levels(self) -> list[ComparisonLevelCreator]:
        """The comparison levels, most similar first (after the null level)."""
        raise NotImplementedError

    def build(self) -> ComparisonCreator:
        """The Splink comparison, dialect-free.

        ``m_probabilities`` (one per level after the null level) start, or with ``fix_m``
        replace, what EM would estimate: domain knowledge EM cannot learn from the data (the
        same victim in two different events is not the same event).
        """
        levels = self.levels()
        if self.m_probabilities is not None:
            if len(self.m_probabilities) != len(levels) - 1:
                raise ValueError(
                    _(
                        "«{name}»: m_probabilities lleva {n} valores (uno por nivel después del "
                        "nulo), no {given}."
                    ).format(
                        name=self.output_name, n=len(levels) - 1, given=len(self.m_probabilities)
                    )
                )
            for level, m in zip(levels[1:], self.m_probabilities, strict=True):
                level.configure(m_probability=m, fix_m_probability=self.fix_m)
        return cl.CustomComparison(
            comparison_levels=levels,
            output_column_name=self.output_name,
            comparison_description=self.description or self.type,
        )


def register(cls: C) -> C:
    """Add a comparison class to the registry under its ``type`` default.

    Example:
        >>> @register
        ... class Colour(Comparison):  # doctest: +SKIP
        ...     type: Literal["colour"] = "colour"
    """
    slug = cls.model_fields["type"].default
    if not isinstance(slug, str) or not slug:
        raise ValueError(f"{cls.__name__} needs a default for its type slug")
    REGISTRY[slug] = cls
    return cls


def labelled(level: ComparisonLevelCreator, label: str, **options: Any) -> ComparisonLevelCreator:
    """Configure a level's chart label (Spanish) and any other option (``tf_adjustment_column``)."""
    return level.configure(label_for_charts=label, **options)


def null_level(*columns: str) -> ComparisonLevelCreator:
    """Null when any of ``columns`` is missing on either side."""
    levels = [cll.NullLevel(c) for c in columns]
    level = levels[0] if len(levels) == 1 else cll.Or(*levels)
    return level.configure(is_null_level=True, label_for_charts="Dato ausente")


def custom(sql: str, label: str) -> ComparisonLevelCreator:
    """A level from a DuckDB SQL condition (translated for other backends by sqlglot)."""
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


def else_level() -> ComparisonLevelCreator:
    return cll.ElseLevel().configure(label_for_charts="Distintos")
