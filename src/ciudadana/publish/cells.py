"""The cells a release may publish, and the additive relations an attacker can use between them.

A release holds, for every indicator of the catalogue, its rows by year and by each
disaggregation the catalogue declares, plus a few two-way tables (territory by sex, department
by broad age group, sex by broad age group) that the dashboard's filters combine. One *table*
is one indicator in one year: its cells are the counts behind the rates, keyed by
``CellKey``, and its equations say that every total is the sum of its parts (municipalities
add up to their department, months to their quarter, five-year age groups to the broad groups,
any category to the total). Disclosure control (``control.py``) works on these tables.

Example:
    >>> month_to_quarter("2019-05")
    '2019-Q2'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ciudadana.analysis import IndicatorRequest, compute_indicators
from ciudadana.analysis.indicators import Catalogue, Indicator
from ciudadana.workspace import Workspace

#: Two-way tables published beside the one-way disaggregations, when the indicator allows both.
#: Not municipality by sex: in most municipalities it is a table of small counts, withheld
#: almost whole, and protecting it costs more than every other table together.
TWO_WAY: tuple[tuple[str, str], ...] = (
    ("department", "sex"),
    ("department", "age_broad"),
    ("sex", "age_broad"),
)
#: Where a dimension's category adds up to, one level coarser (a missing key: the total).
PARENT = {"municipality": "department", "month": "quarter", "age_group": "age_broad"}
KEY_DIMS = ("territory", "sex", "age", "pueblo", "relationship", "weapon")
#: Which column of a row holds each dimension.
COLUMN = {
    "department": "territory",
    "municipality": "territory",
    "quarter": "time_period",
    "month": "time_period",
    "sex": "sex",
    "age_group": "age",
    "age_broad": "age",
    "pueblo": "pueblo",
    "relationship": "relationship",
    "weapon": "weapon",
}

# grouping, time_period, territory, sex, age, pueblo, relationship, weapon
CellKey = tuple[str, str, str, str, str, str, str, str]
Row = dict[str, Any]


def cell_key(row: Row) -> CellKey:
    """The key of a published row within its table (indicator and year are the table's)."""
    return (
        row["grouping"],
        row["time_period"],
        row["territory"],
        row["sex"],
        row["age"],
        row["pueblo"],
        row["relationship"],
        row["weapon"],
    )


def month_to_quarter(period: str) -> str:
    """``2019-05`` -> ``2019-Q2``; an unknown month (``2019-U``) stays unknown."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not m:
        return period
    return f"{m.group(1)}-Q{(int(m.group(2)) - 1) // 3 + 1}"


def _age_bounds(label: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d+)(?:-(\d+)|\+)", label)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else 999


def _age_parent(label: str, broad: Sequence[str]) -> str | None:
    """The broad age group that holds a five-year group, None when none holds it whole."""
    if label in ("unknown", "total"):
        return label
    inner = _age_bounds(label)
    if inner is None:
        return None
    for b in broad:
        outer = _age_bounds(b)
        if outer and outer[0] <= inner[0] and inner[1] <= outer[1]:
            return b
    return None


@dataclass
class Table:
    """One indicator in one year: rows by key, and the equations between their counts."""

    indicator: str
    year: int
    source: str
    rows: dict[CellKey, Row] = field(default_factory=dict)
    equations: list[tuple[CellKey, tuple[CellKey, ...]]] = field(default_factory=list)
    #: Counts not published as a row of their own (what a total has beyond its listed parts,
    #: e.g. rows a source left without the category): assumed known to an attacker.
    remainders: dict[CellKey, int] = field(default_factory=dict)
    #: Relations that do not add up (parts above their total): left out, named here.
    non_additive: list[str] = field(default_factory=list)

    def counts(self, column: str = "numerator") -> dict[CellKey, int]:
        """Every cell's count (``numerator`` or, for shares, ``denominator``) with remainders."""
        out = {k: int(r[column]) for k, r in self.rows.items() if r.get(column) is not None}
        if column == "numerator":
            out.update(self.remainders)
        return out


def published_groupings(ind: Indicator) -> list[list[str]]:
    """The groupings published for an indicator: by year, by each disaggregation, two-way."""
    out: list[list[str]] = [[]] + [[d] for d in ind.disaggregations]
    out += [list(pair) for pair in TWO_WAY if all(ind.allows(d) for d in pair)]
    return out


def collect_rows(
    ws: Workspace, catalogue: Catalogue, lang: str = "es"
) -> tuple[list[Row], list[str]]:
    """Every published grouping of every indicator, computed on the warehouse, and the notes
    every figure carries (e.g. which census the population comes from)."""
    base = IndicatorRequest(all_disaggregations=True, smooth=False, lang=lang)
    first = compute_indicators(ws, base, catalogue=catalogue)
    rows = list(first.rows)
    # Two-way tables come from the very source of the indicator's one-way tables, so that
    # every cell of a table (indicator x year) counts the same records.
    source_of = {r["indicator"]: r["source"] for r in rows}
    for pair in TWO_WAY:
        by_source: dict[str, list[str]] = defaultdict(list)
        for ind in catalogue.indicators:
            if ind.code in source_of and all(ind.allows(d) for d in pair):
                by_source[source_of[ind.code]].append(ind.code)
        for source, codes in sorted(by_source.items()):
            request = IndicatorRequest(
                codes=codes, by=list(pair), smooth=False, lang=lang, source=source
            )
            rows += compute_indicators(ws, request, catalogue=catalogue).rows
    return rows, list(first.notes)


def build_tables(rows: list[Row], parents: dict[str, str]) -> list[Table]:
    """Group rows into tables (indicator x year) and derive each table's equations.

    Args:
        rows: published rows (``OUTPUT_COLUMNS`` of the indicators).
        parents: territory code -> parent code (municipality -> department).
    """
    tables: dict[tuple[str, int], Table] = {}
    for row in rows:
        if row.get("numerator") is None:
            continue
        key = (row["indicator"], int(row["year"]))
        table = tables.get(key)
        if table is None:
            table = tables[key] = Table(row["indicator"], int(row["year"]), row["source"])
        if row["source"] != table.source:
            raise ValueError(f"{key}: two sources in one table ({table.source}, {row['source']})")
        table.rows[cell_key(row)] = row
    for table in tables.values():
        _equations(table, parents)
    return sorted(tables.values(), key=lambda t: (t.indicator, t.year))


def _dims(grouping: str) -> list[str]:
    return [d for d in grouping.split("+") if d != "year"]


def _parent_value(dim: str, value: str, parents: dict[str, str], broad: list[str]) -> str | None:
    if dim == "municipality":
        return "unknown" if value == "unknown" else parents.get(value)
    if dim == "month":
        return month_to_quarter(value)
    if dim == "age_group":
        return _age_parent(value, broad)
    return None


def _equations(table: Table, parents: dict[str, str]) -> None:
    by_grouping: dict[str, list[CellKey]] = defaultdict(list)
    for key in table.rows:
        by_grouping[key[0]].append(key)
    broad = sorted({k[4] for k in by_grouping.get("year+age_broad", [])} - {"unknown", "total"})
    year = str(table.year)
    country = next(
        (r["territory"] for r in table.rows.values() if r["territory_level"] == "country"), "total"
    )
    for grouping, keys in sorted(by_grouping.items()):
        dims = _dims(grouping)
        for dim in dims:
            # Every total an attacker can add this grouping's cells up to: the coarser
            # category (municipality -> department) and the whole (municipality -> country).
            coarser = PARENT.get(dim)
            if coarser:
                target = "+".join(["year", *[coarser if d == dim else d for d in dims]])
                if target in by_grouping:
                    _relate(table, keys, dim, coarser, target, (year, country), parents, broad)
            target = "+".join(["year", *[d for d in dims if d != dim]])
            if target in by_grouping:
                _relate(table, keys, dim, None, target, (year, country), parents, broad)


def _relate(
    table: Table,
    keys: list[CellKey],
    dim: str,
    coarser: str | None,
    target: str,
    whole: tuple[str, str],
    parents: dict[str, str],
    broad: list[str],
) -> None:
    column = COLUMN[dim]
    groups: dict[CellKey, list[CellKey]] = defaultdict(list)
    for key in keys:
        row = table.rows[key]
        value = row[column]
        up = _parent_value(dim, value, parents, broad) if coarser else None
        if coarser and up is None:
            return  # a category that nests in no coarser one: this relation does not hold
        fields = {c: row[c] for c in ("time_period", *KEY_DIMS)}
        year, country = whole
        if column == "time_period":
            fields["time_period"] = up if coarser else year
        elif column == "territory":
            fields[column] = up if coarser else country
        else:
            fields[column] = up if coarser else "total"
        parent_key = (target, *[fields[c] for c in ("time_period", *KEY_DIMS)])
        groups[parent_key].append(key)  # type: ignore[arg-type]
    for parent_key, parts in sorted(groups.items()):
        parent = table.rows.get(parent_key)
        if parent is None:
            table.non_additive.append(f"{parts[0][0]} -> {target}: falta el total {parent_key}")
            continue
        gap = int(parent["numerator"]) - sum(int(table.rows[p]["numerator"]) for p in parts)
        if gap < 0:
            table.non_additive.append(f"{parts[0][0]} -> {target}: las partes suman más")
            continue
        members = tuple(sorted(parts))
        if gap > 0:
            rest: CellKey = (f"{parts[0][0]}>{target}#resto", *parent_key[1:])  # type: ignore[assignment]
            table.remainders[rest] = gap
            members = (*members, rest)
        table.equations.append((parent_key, members))
