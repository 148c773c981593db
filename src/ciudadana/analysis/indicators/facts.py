"""SQL that gathers what indicators count and divide by, staged once per request.

- :func:`base_sql` (``_ind_base``): every current record of the country, microdata (event with
  its victim) and table-of-counts cells alike, with every dimension already derived (territory
  levels, age-group indexes) and a weight ``n`` (1 per record, the value of an aggregate cell).
  The warehouse is read once; each indicator then filters this table.
- :func:`facts_sql`: one indicator's numerator (or count denominator): the base rows of its
  ICCS codes (the record's principal category, or any of its categories, looked up in the
  small ``_ind_base_multi`` of records with several), its
  counting units, date and victim filters; with ``events``, the first row of each incident.
- ``population.py`` does the same for the population (``_ind_pop``).

Age groups travel as indexes (``dimensions.age_index_sql``), NULL when unknown or spanning
several groups. Values are bound (``$country``, ``$codes``...); the only text spliced in comes
from fixed vocabularies. Everything is staged as temporary tables (prefix ``_ind_``) on the
read-only connection.

Example:
    >>> "other_codes" in facts_sql(Count(iccs=["0101"]))
    True
"""

from __future__ import annotations

from textwrap import dedent

from ciudadana.analysis.indicators.catalogue import Count
from ciudadana.analysis.indicators.dimensions import UNKNOWN, age_index_sql
from ciudadana.analysis.indicators.reconciled import RECONCILED, reconciled_sql

STAGE_PREFIX = "_ind_"

DATE_COLUMNS = {
    "occurrence": "date_occurrence",
    "registration": "date_registration",
    "reference": "reference_date",
}
SOURCE_UNITS = {
    "victims": ["victim", "complaint"],
    "events": ["victim", "complaint", "event"],
    "cases": ["case"],
}
TOTAL_LABELS = ("total", "ambos", "todos", "todas", "_t")
TERRITORY_SQL = f"""\
coalesce(r.department_code,
             case t.level when 1 then t.code when 2 then t.parent_code end,
             '{UNKNOWN}') as department,
    case when t.level = 2 then t.code else '{UNKNOWN}' end as municipality"""


def offences_sql() -> str:
    """The ICCS categories of each current record besides its principal one, as a list (only
    records with more than one category: a complaint of physical and sexual violence)."""
    return dedent("""\
        with several as (
            select load_id, row_number
            from current_event_offences
            group by all
            having count(*) > 1
        )
        select o.load_id, o.row_number, list(o.iccs_code order by o.iccs_code) as codes
        from current_event_offences as o
        semi join several as s
            on s.load_id = o.load_id and s.row_number = o.row_number
        group by all""")


def enum_type(values: list[str]) -> str:
    """A DuckDB ENUM type of ``values`` (quoted): stored as small integers, so the base table
    is written, scanned and grouped several times faster than with text columns.

    Example:
        >>> enum_type(["female", "male"])
        "ENUM('female', 'male')"
    """
    return "ENUM(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def vocabulary_sql(reconciled: bool = False) -> str:
    """The text values of the dimensions the base encodes, from the current tables."""
    extra = "\nunion\nselect distinct sex, null, null, null\nfrom current_reconciled_counts"
    return (
        "select distinct sex, pueblo, relationship, null as weapon\n"
        "from current_persons\n"
        "where role = 'victim'\n"
        "union\n"
        "select distinct null, null, null, weapon\n"
        "from current_events\n"
        "union\n"
        "select distinct lower(sex), null, null, null\n"
        "from current_aggregates" + (extra if reconciled else "")
    )


def places_sql(territory_type: str) -> str:
    """Each territory of ``$country`` with its department and municipality (ENUM codes)."""
    return dedent(f"""\
        select
            code,
            coalesce(case level when 1 then code when 2 then parent_code end, '{UNKNOWN}')
                ::{territory_type} as department,
            (case when level = 2 then code else '{UNKNOWN}' end)::{territory_type}
                as municipality
        from territories
        where country = $country""")


def base_sql(types: dict[str, str], dates: list[str], reconciled: bool = False) -> str:
    """Every current record and aggregate cell of ``$country`` with its dimensions.

    Args:
        types: column -> ENUM type (``enum_type``) of the text dimensions: source_id,
            counting_unit, territory (department and municipality), sex, pueblo,
            relationship, weapon. Every value must be in its type ('unknown' included).
        dates: the date columns the request's indicators use (``DATE_COLUMNS`` values).
        reconciled: add the reconciled counts of record linkage (``reconciled.py``).
    """
    t = types
    union_reconciled = "\n    union all by name\n    select * from reconciled" if reconciled else ""
    date_cols = "".join(f"\n    r.{d}," for d in dates)
    totals = ", ".join(f"'{t}'" for t in TOTAL_LABELS)
    return f"""\
with
micro as (
    select
        e.load_id,
        e.row_number,
        e.source_id,
        e.counting_unit,
        e.iccs_code,
        case
            when e.incident_id is not null then hash(e.source_id, 'i', e.incident_id)
            when e.record_id is not null then hash(e.source_id, 'r', e.record_id)
            else hash(e.load_id, e.row_number)
        end as incident_key,
        1.0 as n,
        e.date_occurrence,
        e.date_registration,
        e.reference_date,
        coalesce(e.date_precision, 'day') <> 'year' as month_known,
        coalesce(e.date_precision, 'day') <> 'year' as quarter_known,
        e.territory_code,
        e.department_code,
        p.sex,
        p.age as age_lo,
        p.age as age_hi,
        p.pueblo,
        p.relationship,
        e.weapon,
        o.codes as other_codes
    from current_events as e
    left join current_persons as p
        on p.load_id = e.load_id
       and p.row_number = e.row_number
       and p.role = 'victim'
    left join _ind_offences as o
        on o.load_id = e.load_id
       and o.row_number = e.row_number
    where e.country = $country
),
cells as (
    select
        a.*,
        l.source_id,
        lower(a.sex) in ({totals}) as sex_total,
        lower(a.age_group) in ({totals}) as age_total,
        count(*) filter (where lower(a.sex) not in ({totals}))
            over (partition by l.source_id, a.period_start, a.territory_code) as by_sex,
        count(*) filter (where lower(a.age_group) not in ({totals}))
            over (partition by l.source_id, a.period_start, a.territory_code) as by_age
    from current_aggregates as a
    join current_loads as l
        using (load_id)
    where a.country = $country
),
aggregate_cells as (
    -- a "total" column beside the columns by sex (or age) would be counted twice
    select
        load_id,
        row_number,
        source_id,
        'aggregate' as counting_unit,
        iccs_code,
        null::ubigint as incident_key,
        value as n,
        period_start as date_occurrence,
        period_start as date_registration,
        period_start as reference_date,
        period_end = last_day(period_start) and day(period_start) = 1 as month_known,
        date_trunc('quarter', period_start) = date_trunc('quarter', period_end)
            as quarter_known,
        territory_code,
        null as department_code,
        case when sex_total then null else lower(sex) end as sex,
        case
            when not age_total
                then try_cast(regexp_extract(age_group, '^\\D*(\\d+)', 1) as integer)
        end as age_lo,
        case
            when age_total then null
            when regexp_matches(age_group, '\\+|m[aá]s') then 999
            else try_cast(regexp_extract(age_group, '(\\d+)\\D*$', 1) as integer)
        end as age_hi,
        null as pueblo,
        null as relationship,
        null as weapon,
        null::varchar[] as other_codes
    from cells
    where not (sex_total and by_sex > 0)
      and not (age_total and by_age > 0)
),
{reconciled_sql() + "," if reconciled else ""}
records as (
    select * from micro
    union all by name
    select * from aggregate_cells{union_reconciled}
)
select
    (r.load_id::bigint << 32) + r.row_number as rec,
    r.source_id::{t["source_id"]} as source_id,
    r.counting_unit::{t["counting_unit"]} as counting_unit,
    r.iccs_code,
    r.other_codes,
    r.incident_key,
    r.n,{date_cols}
    r.month_known,
    r.quarter_known,
    coalesce(p.department, try_cast(r.department_code as {t["territory"]}), '{UNKNOWN}')
        as department,
    coalesce(p.municipality, '{UNKNOWN}') as municipality,
    coalesce(r.sex, '{UNKNOWN}')::{t["sex"]} as sex,
    r.age_lo,
    r.age_hi,
    coalesce(r.pueblo, '{UNKNOWN}')::{t["pueblo"]} as pueblo,
    coalesce(r.relationship, '{UNKNOWN}')::{t["relationship"]} as relationship,
    coalesce(r.weapon, '{UNKNOWN}')::{t["weapon"]} as weapon
from records as r
left join _ind_places as p
    on p.code = r.territory_code
-- sorted by offence: an indicator's filter on iccs_code then skips whole row groups
order by r.iccs_code
"""


def _quoted(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _victim_where(count: Count) -> list[str]:
    """Filters on the victim. Values come from the catalogue's fixed vocabularies: they are
    written into the SQL, where DuckDB compares them with the ENUM columns directly."""
    v = count.victim
    rules = []
    if v.sex:
        rules.append(f"b.sex in ({_quoted(list(v.sex))})")
    if v.known_age or v.age_min is not None or v.age_max is not None:
        rules.append("b.age_lo is not null")
    if v.age_min is not None:
        rules.append("b.age_lo >= $age_min")
    if v.age_max is not None:
        rules.append("b.age_hi <= $age_max")
    if v.relationship:
        rules.append("list_contains($relationship, b.relationship::varchar)")
    return rules


def counting_units(count: Count) -> list[str]:
    """The counting units of the sources ``count`` reads (see ``SOURCE_UNITS``); reconciled
    counts are victims by date of occurrence."""
    units = list(SOURCE_UNITS[count.unit])
    if count.aggregates and count.unit != "cases":
        units.append("aggregate")
    if count.unit == "victims" and count.date == "occurrence":
        units.append(RECONCILED)
    return units


def facts_params(count: Count) -> dict[str, object]:
    """The values ``facts_sql`` binds for ``count`` besides codes, sources and days."""
    v = count.victim
    params: dict[str, object] = {}
    if v.age_min is not None:
        params["age_min"] = v.age_min
    if v.age_max is not None:
        params["age_max"] = v.age_max
    if v.relationship:
        params["relationship"] = list(v.relationship)
    return params


def facts_sql(count: Count, *, whole_sources: bool = False) -> str:
    """The base rows ``count`` counts, with their period (``year`` null: no date) and, where
    the population gives ages, the age-standardisation group ``asr_start``."""
    date = f"b.{DATE_COLUMNS[count.date]}"
    parts = ["select * from _ind_base where list_contains($codes, iccs_code)"]
    if count.offences == "any":
        parts.append(
            "select * from _ind_base_multi\n"
            "    where not list_contains($codes, iccs_code) and list_has_any($codes, other_codes)"
        )
    if whole_sources:
        parts.append(
            "select * from _ind_base\n"
            "    where list_contains($whole_sources, source_id::varchar)\n"
            "      and not list_contains($codes, iccs_code)\n"
            "      and not coalesce(list_has_any($codes, other_codes), false)"
        )
    records = "\n    union all\n    ".join(parts)
    where = [
        f"b.counting_unit in ({_quoted(counting_units(count))})",
        f"({date} is null or ({date} >= $first_day and {date} < $end_day))",
        *_victim_where(count),
    ]
    first = ""
    if count.unit == "events":
        first = (
            "\nqualify b.counting_unit = 'aggregate' or row_number() over "
            "(partition by b.source_id, b.incident_key order by b.rec) = 1"
        )
    start = "least(b.age_lo // 5 * 5, t.top)"
    return f"""\
select
    b.source_id,
    b.n,
    year({date}) as year,
    case when b.quarter_known then quarter({date}) else 0 end as quarter,
    case when b.month_known then month({date}) else 0 end as month,
    b.department,
    b.municipality,
    b.sex,
    b.age_lo,
    {age_index_sql("age_group", "b.age_lo", "b.age_hi")} as age_group,
    {age_index_sql("age_broad", "b.age_lo", "b.age_hi")} as age_broad,
    b.pueblo,
    b.relationship,
    b.weapon,
    case when b.age_hi < {start} + 5 or b.age_lo >= t.top then {start} end as asr_start
from (
    {records}
) as b
left join _ind_tops as t
    on t.year = year({date})
where {(chr(10) + "  and ").join(where)}{first}"""
