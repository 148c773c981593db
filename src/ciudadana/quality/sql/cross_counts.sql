-- Counts of the same offences by two sources per department and month: by each source's own
-- reference date (what each publishes) and by the date of occurrence (when both record it).
-- Every pair of sources of the diagnosed loads with records of $iccs and a counting unit in
-- $units is compared. $load_ids: the diagnosed loads.
create or replace temp table _q_cross_counts as
with diagnosed as (
    select unnest($load_ids::integer[]) as load_id
),
records as (
    select e.source_id, e.load_id, e.department_code as territory,
           date_trunc('month', e.reference_date)::date as ref_month,
           date_trunc('month', e.date_occurrence)::date as occ_month
    from events as e
    join loads as l using (load_id)
    where (l.superseded_by is null or e.load_id in (select load_id from diagnosed))
      and e.counting_unit in (select unnest($units::varchar[]))
      and e.department_code is not null
      and exists (
          select 1
          from unnest($iccs::varchar[]) as p(prefix)
          where starts_with(e.iccs_code, p.prefix)
      )
),
sources as (
    select source_id, min(ref_month) as first_month, max(ref_month) as last_month,
           avg((occ_month is not null)::integer) as occurrence_share
    from records
    group by source_id
),
pairs as (
    select a.source_id as source_a, b.source_id as source_b,
           greatest(a.first_month, b.first_month) as first_month,
           least(a.last_month, b.last_month) as last_month,
           a.occurrence_share > 0.5 and b.occurrence_share > 0.5 as both_occurrence
    from sources as a
    join sources as b on a.source_id < b.source_id
),
by_ref as (
    select source_id, territory, ref_month as month, count(*) as n
    from records
    group by all
),
by_occ as (
    select source_id, territory, occ_month as month, count(*) as n
    from records
    where occ_month is not null
    group by all
),
cells as (
    select p.source_a, p.source_b, p.both_occurrence, t.territory,
           unnest(generate_series(p.first_month, p.last_month, interval 1 month))::date as month
    from pairs as p
    cross join (select distinct territory from records) as t
    where p.first_month <= p.last_month
)
select c.*,
       coalesce(ra.n, 0) as ref_a, coalesce(rb.n, 0) as ref_b,
       coalesce(oa.n, 0) as occ_a, coalesce(ob.n, 0) as occ_b
from cells as c
left join by_ref as ra on ra.source_id = c.source_a and ra.territory = c.territory
    and ra.month = c.month
left join by_ref as rb on rb.source_id = c.source_b and rb.territory = c.territory
    and rb.month = c.month
left join by_occ as oa on oa.source_id = c.source_a and oa.territory = c.territory
    and oa.month = c.month
left join by_occ as ob on ob.source_id = c.source_b and ob.territory = c.territory
    and ob.month = c.month;
