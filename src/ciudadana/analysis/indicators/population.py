"""SQL for the population that divides (``_ind_pop``), staged once per request.

For each year, the most recently loaded population table that covers it ("the latest delivery
replaces the years it covers"), by sex (female and male rows; a 'total' row only where its cell
does not come by sex), with a row for all ages dropped where the same cell also comes by age.
``top`` is where the year's population stops coming by five-year (or single) ages: the open
group of age standardisation; ``asr_start`` is the row's group in it.

Example:
    >>> "current_population" in population_sql()
    True
"""

from __future__ import annotations

from ciudadana.analysis.indicators.dimensions import age_index_sql
from ciudadana.analysis.indicators.facts import TERRITORY_SQL


def population_sql() -> str:
    """Population rows (every sex) for ``$country``, years ``$first_year``-``$last_year``."""
    return f"""\
with
chosen as (
    -- for each year, the latest population table loaded that covers it
    select year, max(load_id) as load_id
    from current_population
    where country = $country
      and year between $first_year and $last_year
    group by year
),
flagged as (
    select
        p.*,
        bool_or(p.sex in ('female', 'male'))
            over (partition by p.year, p.territory_code) as by_sex,
        bool_or(not (p.age_min = 0 and p.age_max is null))
            over (partition by p.year, p.territory_code, p.sex) as by_age
    from current_population as p
    join chosen
        using (year, load_id)
),
kept as (
    -- rows by sex, a 'total' row only where its cell does not come by sex; a row for all
    -- ages only where the same cell does not also come by age
    select
        year,
        load_id,
        territory_code,
        null as department_code,
        sex,
        age_min as age_lo,
        coalesce(age_max, 999) as age_hi,
        population
    from flagged
    where (sex in ('female', 'male') or (sex = 'total' and not by_sex))
      and not (age_min = 0 and age_max is null and by_age)
),
labelled as (
    select
        r.year,
        r.load_id,
        {TERRITORY_SQL},
        r.sex,
        r.age_lo,
        r.age_hi,
        {age_index_sql("age_group", "r.age_lo", "r.age_hi")} as age_group,
        {age_index_sql("age_broad", "r.age_lo", "r.age_hi")} as age_broad,
        r.population
    from kept as r
    left join territories as t
        on t.country = $country
       and t.code = r.territory_code
),
tops as (
    select
        year,
        least(coalesce(min(age_lo) filter (where age_group is null), 80) // 5 * 5, 80) as top
    from labelled
    group by year
)
select
    l.*,
    t.top,
    least(l.age_lo // 5 * 5, t.top) as asr_start
from labelled as l
join tops as t
    using (year)
"""
