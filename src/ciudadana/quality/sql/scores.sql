-- Scores of one diagnosis: 1 - failed / checked, per load x (month | whole load) x dimension,
-- and per rule and field. A dimension's score is the mean of its components: all rules that
-- count records ("row") form one component (a record with two problems fails once); rules that
-- count other units (completeness cells, territory-months, months) are components of their own.
-- Each denominator and finding is counted twice: in its month (when it has one) and in the
-- whole load (period NULL, level 'load'). Joins use stand-ins for NULL (no field: '', whole
-- load: 0001-01-01) because NULL never equals NULL.
create or replace temp table _stage_quality_scores as
with checked_once as (
    select load_id, period, dimension, rule, coalesce(field, '') as field,
           coalesce(unit, 'row') as unit, checked
    from _q_checked
),
units as (
    select distinct dimension, rule, unit
    from checked_once
),
checked as (
    select 'month' as level, * from checked_once where period is not null
    union all
    select 'load', * replace (date '0001-01-01' as period) from checked_once
),
found_once as (
    select f.load_id, f.period, f.dimension, f.rule, coalesce(f.field, '') as field,
           f.row_number,
           coalesce(u.unit, 'row') as unit
    from _stage_quality_findings as f
    left join units as u using (dimension, rule)
),
found as (
    select 'month' as level, * from found_once where period is not null
    union all
    select 'load', * replace (date '0001-01-01' as period) from found_once
),
rule_checked as (
    select level, load_id, period, dimension, rule, field, sum(checked) as checked
    from checked
    group by all
),
rule_failed as (
    select level, load_id, period, dimension, rule, field,
           count(distinct row_number) + count(*) filter (where row_number is null) as failed
    from found
    group by all
),
by_rule as (
    select load_id, period, dimension, rule, field,
           greatest(coalesce(c.checked, 0), coalesce(f.failed, 0)) as checked,
           coalesce(f.failed, 0) as failed
    from rule_checked as c
    full join rule_failed as f using (level, load_id, period, dimension, rule, field)
),
component_checked as (
    select level, load_id, period, dimension, component,
           case when any_value(unit) = 'row' then max(checked) else sum(checked) end as checked
    from (
        select level, load_id, period, dimension, rule, field, unit,
               case when unit = 'row' then 'row' else rule end as component,
               sum(checked) as checked
        from checked
        group by level, load_id, period, dimension, rule, field, unit
    )
    group by level, load_id, period, dimension, component
),
component_failed as (
    select level, load_id, period, dimension, component,
           case when any_value(unit) = 'row'
                then count(distinct row_number) + count(*) filter (where row_number is null)
                else count(*) end as failed
    from (
        select *, case when unit = 'row' then 'row' else rule end as component
        from found
    )
    group by level, load_id, period, dimension, component
),
components as (
    select level, load_id, period, dimension, component,
           greatest(coalesce(c.checked, 0), coalesce(f.failed, 0)) as checked,
           coalesce(f.failed, 0) as failed
    from component_checked as c
    full join component_failed as f using (level, load_id, period, dimension, component)
),
by_dimension as (
    select load_id, period, dimension, null::varchar as rule, '' as field,
           sum(checked) as checked, sum(failed) as failed,
           avg(case when checked > 0 then 1 - failed / checked end) as score
    from components
    group by level, load_id, period, dimension
)
select b.load_id, l.source_id, nullif(b.period, date '0001-01-01') as period, b.dimension,
       b.rule, nullif(b.field, '') as field, b.checked, b.failed,
       case when b.checked > 0 then 1 - b.failed / b.checked end as score
from by_rule as b
join loads as l using (load_id)
union all
select d.load_id, l.source_id, nullif(d.period, date '0001-01-01') as period, d.dimension,
       d.rule, null as field, d.checked, d.failed, d.score
from by_dimension as d
join loads as l using (load_id);
