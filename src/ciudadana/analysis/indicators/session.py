"""One request's read-only connection and what it stages on it (prefix ``_ind_``).

The warehouse is read once per request (``prepare``): the population, the records with their
victims and ICCS categories. Each indicator then counts its records by every grouping at once
(``count``) into ``_ind_num`` (``_ind_den`` for a count denominator).

Example:
    >>> choose_sources(Count(iccs=["0101"], sources=["*/inacif*"]),
    ...                {"gtm/pnc": 900, "gtm/inacif": 800}, "auto")
    ['gtm/inacif']
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import logging
import re
from typing import Any

import duckdb

from ciudadana.analysis.indicators.catalogue import Count
from ciudadana.analysis.indicators.dimensions import UNKNOWN
from ciudadana.analysis.indicators.facts import (
    DATE_COLUMNS,
    base_sql,
    enum_type,
    facts_params,
    facts_sql,
    offences_sql,
    places_sql,
    vocabulary_sql,
)
from ciudadana.analysis.indicators.grouping import (
    bad_ages_sql,
    carriers,
    counts_sql,
    grouping_id,
    population_groups_sql,
    used_columns,
)
from ciudadana.analysis.indicators.population import population_sql
from ciudadana.analysis.indicators.reconciled import RECONCILED, has_reconciled
from ciudadana.analysis.standardise import standard_weights
from ciudadana.standards.iccs import load_iccs
from ciudadana.standards.territory import load_pack

log = logging.getLogger("ciudadana.sql")
Row = dict[str, Any]
#: Standardise only where the population gives ages up to at least this open group.
MIN_TOP_AGE = 60
VOCABULARY = ("sex", "pueblo", "relationship", "weapon")


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters ``sql`` uses (DuckDB refuses unused named parameters)."""
    names = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in names}


def choose_sources(count: Count, available: dict[str, float], wanted: str) -> list[str]:
    """Which of the sources with data to use: ``auto`` (the reconciled counts if there are;
    else the best-ranked preferred source, or the one with most records), ``all`` (each
    apart) or one source id."""
    if wanted == "all":
        return sorted(available)
    if wanted != "auto":
        return [wanted] if wanted in available else []
    if RECONCILED in available:
        return [RECONCILED]

    def rank(source: str) -> tuple[int, float, str]:
        preferred = count.prefers(source)
        return (len(count.sources) if preferred is None else preferred, -available[source], source)

    return sorted(available, key=rank)[:1]


class Session:
    """The connection of one request and its staged tables.

    Args:
        con: a read-only connection to the warehouse.
        country: the workspace's country (ISO3).
        years: only these years (empty: all).
        lang: language of names.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        country: str,
        years: list[int],
        lang: str,
        dates: list[str] | None = None,
    ) -> None:
        self.con, self.country, self.lang = con, country, lang
        self.dates = dates if dates is not None else list(DATE_COLUMNS.values())
        first, last = (min(years), max(years)) if years else (1900, 2200)
        self.span = {
            "country": country,
            "first_day": dt.date(first, 1, 1),
            "end_day": dt.date(last + 1, 1, 1),
            "first_year": first,
            "last_year": last,
        }
        self.sources = [
            s
            for (s,) in self.run(
                "select distinct source_id from current_loads where country = $country "
                "and counting_unit <> 'population' order by 1",
                self.span,
            )
        ]
        self.reconciled = has_reconciled(self.run)
        if self.reconciled:
            self.sources.append(RECONCILED)
        pack = load_pack(country)
        self.country_name = pack.name_en if lang == "en" else pack.name_es
        self.names: dict[str, str] = dict(
            self.run("select code, name from territories where country = $country", self.span)
        )
        self.populations: dict[str, str] = {}
        self.prepared = False
        self.used: dict[str, list[str]] = {}
        self.carried: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {}
        self.undated: dict[str, dict[str, float]] = {}
        self.pop_sets: dict[str, list[list[str]]] = {}
        self.pop_used: dict[str, list[str]] = {}
        self.iccs = load_iccs()

    def run(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        log.debug("%s\n-- params: %s", sql.strip(), params)
        return self.con.execute(sql, bind(sql, params)).fetchall()

    def dicts(self, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
        log.debug("%s\n-- params: %s", sql.strip(), params)
        cur = self.con.execute(sql, bind(sql, params or {}))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def codes(self, count: Count) -> list[str]:
        """The ICCS codes of ``count`` and every code below them."""
        found = set()
        for code in count.iccs:
            found.add(code)
            found.update(o.code for o in self.iccs.descendants(code))
        return sorted(found)

    def gid(self, table: str, dims: list[str]) -> int:
        """The ``gid`` in ``table`` of the grouping set that ``dims`` is rolled up from."""
        return grouping_id(self.carried[table][tuple(dims)], self.used[table])

    def _types(self) -> dict[str, str]:
        """ENUM types of the base's text columns, from the values the warehouse holds."""
        values: dict[str, set[str]] = {d: {UNKNOWN} for d in VOCABULARY}
        for row in self.run(vocabulary_sql(self.reconciled), {}):
            for dim, value in zip(VOCABULARY, row, strict=True):
                if value is not None:
                    values[dim].add(value)
        types = {dim: enum_type(sorted(v)) for dim, v in values.items()}
        types["source_id"] = enum_type(self.sources or ["-"])
        units = {u for (u,) in self.run("select distinct counting_unit from current_loads", {})}
        units |= {RECONCILED}
        types["counting_unit"] = enum_type(sorted(units | {"aggregate"}))
        types["territory"] = enum_type(sorted({*self.names, UNKNOWN}))
        return types

    def _stage(self, table: str, sql: str, params: dict[str, Any] | None = None) -> None:
        self.run(f"create or replace temp table {table} as\n{sql}", params or {})

    def prepare(self) -> None:
        """Stage the population, the records and their offences, once per request."""
        if self.prepared:
            return
        self._stage("_ind_pop", population_sql(), self.span)
        self._stage("_ind_tops", "select distinct year, top from _ind_pop")
        self._stage("_ind_bad_ages", bad_ages_sql())
        weights = [
            f"({top}, {start}, {float(w)!r}, {top // 5 + 1})"
            for (top,) in self.run(
                "select distinct top from _ind_tops where top >= $min", {"min": MIN_TOP_AGE}
            )
            for start, w in zip(
                range(0, top + 1, 5), standard_weights(list(range(0, top + 1, 5)), top), strict=True
            )
        ]
        self._stage(
            "_ind_std_weights",
            "select * from (values "
            + (", ".join(weights) or "(0, 0, 0.0, 0)")
            + ") as w(top, age_start, weight, groups)",
        )
        types = self._types()
        self._stage("_ind_places", places_sql(types["territory"]), self.span)
        self._stage("_ind_offences", offences_sql())
        self._stage("_ind_base", base_sql(types, self.dates, self.reconciled), self.span)
        self._stage("_ind_base_multi", "select * from _ind_base where other_codes is not null")
        self.prepared = True

    def count(self, table: str, count: Count, groupings: list[list[str]]) -> dict[str, float]:
        """Count ``count``'s records by every grouping into ``table``; return the sources
        with data and their totals (those without a date of the kind asked for go to
        ``self.undated[table]``)."""
        self.prepare()
        whole = [
            s for s in self.sources if any(fnmatch.fnmatchcase(s, p) for p in count.whole_sources)
        ]
        params = {
            **self.span,
            **facts_params(count),
            "codes": self.codes(count),
            "whole_sources": whole,
        }
        wide = carriers([[], *groupings])
        self.carried[table] = {tuple(g): c for g, c in zip([[], *groupings], wide, strict=True)}
        facts = facts_sql(count, whole_sources=bool(whole))
        self._stage(table, counts_sql(facts, list(dict.fromkeys(wide))), params)
        self.used[table] = used_columns(wide)
        totals = self.run(
            f"select source_id::varchar, year is null, sum(numerator) from {table} "
            "where gid = $gid group by all order by all",
            {"gid": self.gid(table, [])},
        )
        self.undated[table] = {source: n for source, undated, n in totals if undated}
        return {source: n for source, undated, n in totals if not undated}

    def population_groups(self, sex: str, sets: list[list[str]]) -> tuple[str, list[str]]:
        """The population of ``sex`` summed for every grouping in ``sets`` (and those asked
        before): the staged table and its ``used`` columns (see ``grouping_id``)."""
        table = f"_ind_popg_{sex}"
        known = self.pop_sets.setdefault(sex, [])
        missing = [list(p) for p in dict.fromkeys(tuple(p) for p in sets) if list(p) not in known]
        if missing or table not in self.pop_used:
            known += missing
            self._stage(table, population_groups_sql(self.population(sex), known))
            self.pop_used[table] = used_columns(known, first=["year"])
        return table, self.pop_used[table]

    def population(self, sex: str) -> str:
        """A view of the staged population for ``sex`` (all, female, male)."""
        if sex not in self.populations:
            view = f"_ind_pop_{sex}"
            sexes = ["female", "male", "total"] if sex == "all" else [sex]
            where = ", ".join(f"'{x}'" for x in sexes)
            self.run(
                f"create or replace temp view {view} as "
                f"select * from _ind_pop where sex in ({where})",
                {},
            )
            self.populations[sex] = view
        return self.populations[sex]

    def source_years(self, sources: list[str]) -> None:
        """The years each chosen source covers (its loads' periods, and its records)."""
        self._stage(
            "_ind_source_years",
            """select distinct source_id, year
from (
    select source_id, unnest(range(year(period_start), year(period_end) + 1)) as year
    from current_loads
    where list_contains($keep, source_id) and period_start is not null
    union
    select source_id::varchar, year
    from _ind_num
    where gid = $gid and year is not null and list_contains($keep, source_id::varchar)
)
where year between $first_year and $last_year""",
            {**self.span, "keep": sources, "gid": self.gid("_ind_num", [])},
        )
