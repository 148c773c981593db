-- Counts of records per source x territory x offence group x month, zeros included: every
-- territory and group that ever appeared for the source, every month of the source's span
-- except thin months at its edges (under a fifth of the source's median month: a late
-- registration or a shifted date, not a month the source covers). History comes from every
-- current load of the diagnosed sources (and the diagnosed loads themselves); $territory picks
-- the level (the municipality, or the department), $offence the offence grouping.
create or replace temp table _q_grid as
with diagnosed as (
    select unnest($load_ids::integer[]) as load_id
),
sources as (
    select distinct source_id
    from loads
    where load_id in (select load_id from diagnosed)
),
history as (
    select e.source_id, e.load_id, $territory as territory, $offence as offence,
           date_trunc('month', e.reference_date)::date as month
    from events as e
    join loads as l using (load_id)
    where e.source_id in (select source_id from sources)
      and (l.superseded_by is null or e.load_id in (select load_id from diagnosed))
      and e.reference_date is not null
),
counted as (
    select source_id, territory, offence, month, count(*) as n
    from history
    where territory is not null
    group by all
),
totals as (
    select source_id, month, count(*) as n
    from history
    group by all
),
kept as (
    select source_id, month
    from totals
    qualify n >= 0.2 * median(n) over (partition by source_id)
),
span as (
    select source_id, min(month) as first_month, max(month) as last_month
    from kept
    group by source_id
),
units as (
    select distinct source_id, territory, offence
    from counted
),
grid as (
    select u.source_id, u.territory, u.offence,
           unnest(generate_series(s.first_month, s.last_month, interval 1 month))::date as month
    from units as u
    join span as s using (source_id)
),
owners as (
    -- the diagnosed load that holds each source's month (the latest one if several)
    select l.source_id, g.month, max(l.load_id) as load_id
    from (select distinct source_id, month from grid) as g
    join loads as l
        on l.source_id = g.source_id
       and l.load_id in (select load_id from diagnosed)
       and g.month between date_trunc('month', l.period_start) and l.period_end
    group by all
)
select g.source_id, g.territory, g.offence, g.month, coalesce(c.n, 0) as n, o.load_id
from grid as g
left join counted as c using (source_id, territory, offence, month)
left join owners as o using (source_id, month);
