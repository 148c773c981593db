"""SQL that counts an indicator's records by every grouping asked for, in one pass, and then
puts each grouping beside its denominator, all groupings in one query.

- :func:`counts_sql`: ``group by grouping sets`` over the indicator's records (``facts.py``),
  staged as ``_ind_num`` (``_ind_den`` for a count denominator); :func:`population_groups_sql`
  does the same for the population (``_ind_popg``). ``gid`` (:func:`grouping_id`) tells the
  groupings apart.
- :func:`rate_tables_sql`: every grouping against the population. Every cell the population
  has (territory, sex, age group; and every month or quarter of the years a source covers) is
  listed even when nothing was counted there: a municipality with no femicide has a rate of 0
  with an interval, not a missing row.
- :func:`share_tables_sql`: every grouping against another count (a share, or a ratio).
- :func:`standardised_tables_sql`: counts and population by five-year age group (open from
  the year's ``top``) for direct age standardisation.

Unknown codes are ``'unknown'`` (text), ``-1`` (age-group indexes) or 0 (months, quarters).

Example:
    >>> grouping_id(["sex"], used_columns([["sex"], ["month"]]))
    2
"""

from __future__ import annotations

from collections.abc import Sequence

from ciudadana.analysis.indicators.dimensions import (
    AGE_SCHEMES,
    PERIOD_DIMS,
    POPULATION_DIMS,
    scheme_values_sql,
)

#: Every column a grouping of counts can keep, in the order of ``grouping(...)``.
COLUMNS = (
    "source_id",
    "year",
    "quarter",
    "month",
    "department",
    "municipality",
    "sex",
    "age_group",
    "age_broad",
    "pueblo",
    "relationship",
    "weapon",
    "asr_start",
)
#: The columns of a grouping of the population.
POP_COLUMNS = ("year", "department", "municipality", "sex", "age_group", "age_broad", "asr_start")


#: Columns that travel together: a grouping by one is rolled up from a grouping by all of them
#: (one hash table instead of several over the indicator's records).
FAMILIES = (("department", "municipality"), ("quarter", "month"), ("age_group", "age_broad"))


def carriers(groupings: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """For each grouping, the grouping set it is rolled up from.

    Example:
        >>> carriers([[], ["municipality"], ["department"], ["sex"]])
        [('sex',), ('department', 'municipality'), ('department', 'municipality'), ('sex',)]
    """
    wide = []
    for g in groupings:
        cols = set(g)
        for family in FAMILIES:
            if cols & set(family):
                cols |= set(family)
        wide.append(tuple(c for c in COLUMNS if c in cols))
    others = [w for w in wide if w]
    smallest = min(others, key=len) if others else ()
    return [w or smallest for w in wide]


def used_columns(
    groupings: Sequence[Sequence[str]], first: Sequence[str] = COLUMNS[:2]
) -> list[str]:
    """The columns that some grouping keeps (``first`` always), in ``grouping(...)`` order."""
    kept = {*first, *(d for g in groupings for d in g)}
    order = COLUMNS if "source_id" in first else POP_COLUMNS
    return [c for c in order if c in kept]


def grouping_id(
    dims: Sequence[str], used: Sequence[str], first: Sequence[str] = COLUMNS[:2]
) -> int:
    """The ``grouping(*used)`` value of the set (*first, *dims): a bit per column left out,
    the first column the most significant."""
    kept = {*first, *dims}
    gid = 0
    for col in used:
        gid = (gid << 1) | (0 if col in kept else 1)
    return gid


def _grouping_sets(first: Sequence[str], groupings: Sequence[Sequence[str]]) -> str:
    return ",\n    ".join(
        "(" + ", ".join([*first, *dims]) + ")"
        for dims in dict.fromkeys(tuple(g) for g in groupings)
    )


def counts_sql(facts: str, groupings: Sequence[Sequence[str]]) -> str:
    """Counts of ``facts`` for every grouping (each with source and year) in one pass.

    Columns no grouping keeps are NULL; ``gid`` is ``grouping_id(dims, used_columns(...))``.
    """
    used = used_columns(groupings)
    cols = ",\n    ".join(c if c in used else f"null as {c}" for c in COLUMNS)
    return f"""\
with facts as (
{facts}
)
select
    {cols},
    grouping({", ".join(used)}) as gid,
    sum(n) as numerator,
    coalesce(sum(n) filter (where age_lo is null), 0) as age_unknown
from facts
group by grouping sets (
    {_grouping_sets(COLUMNS[:2], groupings)}
)"""


def population_groups_sql(population: str, groupings: Sequence[Sequence[str]]) -> str:
    """The population of ``population`` (a view) summed for every grouping (each with year),
    with the year's ``top``; ``gid`` is ``grouping_id(dims, used, first=["year"])``."""
    used = used_columns(groupings, first=["year"])
    cols = ",\n    ".join(c if c in used else f"null as {c}" for c in POP_COLUMNS)
    return f"""\
select
    {cols},
    grouping({", ".join(used)}) as gid,
    sum(population) as population,
    max(top) as top
from {population}
group by grouping sets (
    {_grouping_sets(["year"], groupings)}
)"""


def bad_ages_sql() -> str:
    """Age groups a year's population cannot give: a row spanning several groups (0 and
    over, 65 and over) leaves every group it touches unknown."""
    parts = [
        f"""select distinct p.year, '{dim}' as scheme, g.idx
from _ind_pop as p
join (values {scheme_values_sql(dim)}) as g(idx, lo, hi)
    on p.age_lo <= g.hi and p.age_hi >= g.lo
where p.{dim} is null"""
        for dim in AGE_SCHEMES
    ]
    return "\nunion all\n".join(parts)


def _key(dim: str) -> str:
    if dim in AGE_SCHEMES:
        return f"coalesce({dim}, -1) as {dim}"
    if dim in PERIOD_DIMS:
        return dim
    return f"{dim}::varchar as {dim}"


def _select(dims: Sequence[str]) -> str:
    return "".join(f", {_key(d)}" for d in dims)


def _cols(dims: Sequence[str], prefix: str = "") -> str:
    return "".join(f", {prefix}{d}" for d in dims)


def enumerable(dims: Sequence[str]) -> bool:
    """Whether every cell of ``dims`` can be listed from the population (and the calendar)."""
    return all(d in POPULATION_DIMS or d in PERIOD_DIMS for d in dims)


def label(dims: Sequence[str]) -> str:
    return "+".join(["year", *dims])


def _union(blocks: list[tuple[list[str], str]]) -> str:
    ctes = [c for cs, _final in blocks for c in cs]
    finals = "\nunion all by name\n".join(final for _cs, final in blocks)
    return "with\n" + ",\n".join(ctes) + "\n" + finals


def rate_tables_sql(
    groupings: Sequence[Sequence[str]],
    gids: Sequence[int],
    pgids: Sequence[int],
    popg: str = "_ind_popg",
) -> str:
    """Numerator and population of every cell of each grouping, per chosen source.

    Args:
        groupings: the groupings (dimensions besides the year).
        gids: each grouping's ``gid`` in ``_ind_num``.
        pgids: each grouping's ``gid`` in ``popg``.
        popg: the staged population groupings (``population_groups_sql``).
    """
    blocks = []
    for i, (dims, gid, pgid) in enumerate(zip(groupings, gids, pgids, strict=True)):
        pdims = [d for d in dims if d in POPULATION_DIMS]
        ages = [d for d in pdims if d in AGE_SCHEMES]
        keys = ", ".join(["source_id", "year", *dims])
        den_from = popg
        if ages:
            den_from = (
                f"{popg}\n    anti join (select year, idx as {ages[0]} from _ind_bad_ages "
                f"where scheme = '{ages[0]}')\n        using (year, {ages[0]})"
            )
        ctes = [
            f"""num_{i} as (
    select
        source_id::varchar as source_id, year{_select(dims)},
        sum(numerator) as numerator,
        sum(age_unknown) as age_unknown
    from _ind_num
    where gid = {gid} and year is not null and list_contains($keep, source_id::varchar)
    group by all
)""",
            f"""den_{i} as (
    select year{_cols(pdims)}, population as denominator
    from {den_from}
    where gid = {pgid}{"".join(f" and {a} is not null" for a in ages)}
)""",
        ]
        if enumerable(dims):
            periods = "".join(
                f"\n    cross join (select unnest(range(1, {13 if d == 'month' else 5})) as {d})"
                for d in dims
                if d in PERIOD_DIMS
            )
            ctes.append(f"""cells_{i} as (
    select s.source_id, d.year{_cols(dims)}
    from den_{i} as d
    join _ind_source_years as s
        using (year){periods}
    union
    select {keys} from num_{i}
)""")
        else:
            ctes.append(f"cells_{i} as (select {keys} from num_{i})")
        final = f"""select
    '{label(dims)}' as grouping,
    c.*,
    coalesce(n.numerator, 0) as numerator,
    coalesce(n.age_unknown, 0) as age_unknown,
    d.denominator
from cells_{i} as c
left join num_{i} as n
    using ({keys})
left join den_{i} as d
    using ({", ".join(["year", *pdims])})"""
        blocks.append((ctes, final))
    return _union(blocks)


def share_tables_sql(
    groupings: Sequence[Sequence[str]],
    gids: Sequence[int],
    den_gids: Sequence[int],
    *,
    nested: bool,
) -> str:
    """Numerator and denominator counts of every cell of each grouping.

    With ``nested`` the two counts come from the same source (the numerator is part of the
    denominator); otherwise each side keeps its own source and cells match on the rest.
    """
    blocks = []
    for i, (dims, gid, den_gid) in enumerate(zip(groupings, gids, den_gids, strict=True)):
        keys = ", ".join((["source_id"] if nested else []) + ["year", *dims])
        head = "source_id, " if nested else ""
        ctes = [
            f"""num_{i} as (
    select {head.replace("source_id", "source_id::varchar as source_id")}year{_select(dims)},
        sum(numerator) as numerator, sum(age_unknown) as age_unknown
    from _ind_num
    where gid = {gid} and year is not null and list_contains($keep, source_id::varchar)
    group by all
)""",
            f"""den_{i} as (
    select {head.replace("source_id", "source_id::varchar as source_id")}year{_select(dims)},
        sum(numerator) as denominator
    from _ind_den
    where gid = {den_gid} and year is not null and list_contains($keep_den, source_id::varchar)
    group by all
)""",
            f"""cells_{i} as (
    select {keys} from num_{i}
    union
    select {keys} from den_{i}
)""",
        ]
        final = f"""select
    '{label(dims)}' as grouping,
    c.*,
    coalesce(n.numerator, 0) as numerator,
    coalesce(n.age_unknown, 0) as age_unknown,
    coalesce(d.denominator, 0) as denominator
from cells_{i} as c
left join num_{i} as n
    using ({keys})
left join den_{i} as d
    using ({keys})"""
        blocks.append((ctes, final))
    return _union(blocks)


def standardised_tables_sql(
    groupings: Sequence[Sequence[str]],
    gids: Sequence[int],
    pgids: Sequence[int],
    popg: str = "_ind_popg",
) -> str:
    """The sums of direct age standardisation for every cell of each grouping (territory and
    sex only): sum of w k / n (``rate``), of w^2 k / n^2 (``variance``), the largest w / n,
    with the WHO weights ``w`` of ``_ind_std_weights`` for the year's open group ``top``.

    ``complete`` is false where the population lacks an age group or has one at zero."""
    blocks = []
    for i, (dims, gid, pgid) in enumerate(zip(groupings, gids, pgids, strict=True)):
        keys = ", ".join(["source_id", "year", *dims])
        ctes = [
            f"""snum_{i} as (
    select source_id::varchar as source_id, year{_select(dims)}, asr_start as age_start,
        sum(numerator) as k
    from _ind_num
    where gid = {gid} and year is not null and asr_start is not null
      and list_contains($keep, source_id::varchar)
    group by all
)""",
            f"""sden_{i} as (
    select year{_cols(dims)}, top, asr_start as age_start, population
    from {popg}
    where gid = {pgid}
)""",
        ]
        final = f"""select
    '{label(dims)}' as grouping,
    s.source_id,
    d.year{_cols(dims, "d.")},
    count(*) = max(w.groups) and bool_and(d.population > 0) as complete,
    sum(w.weight * coalesce(n.k, 0) / nullif(d.population, 0)) as rate,
    sum(w.weight * w.weight * coalesce(n.k, 0) / nullif(d.population * d.population, 0))
        as variance,
    max(w.weight / nullif(d.population, 0)) as w_max
from sden_{i} as d
join _ind_std_weights as w
    using (top, age_start)
join _ind_source_years as s
    using (year)
left join snum_{i} as n
    using ({keys}, age_start)
group by all"""
        blocks.append((ctes, final))
    return _union(blocks)
