"""The library of named comparisons, one ``type`` slug each, used by the settings files.

Example:
    >>> sorted(REGISTRY)[:4]
    ['birth', 'damerau_levenshtein', 'date_of_birth', 'date_window']
"""

from __future__ import annotations

from typing import Any

from ciudadana.linkage.comparisons import dates, generic, identity, names  # noqa: F401 (register)
from ciudadana.linkage.comparisons.base import REGISTRY, Comparison, register


def comparison_from_dict(data: dict[str, Any]) -> Comparison:
    """Build the comparison named by ``data["type"]`` (``KeyError`` when unknown).

    Example:
        >>> comparison_from_dict({"type": "surnames"}).output_name
        'surnames'
    """
    return REGISTRY[data["type"]].model_validate(data)


__all__ = ["REGISTRY", "Comparison", "comparison_from_dict", "register"]
