-- Person records that share an exact key, in pairs: a valid identity number (any role, any
-- source), or a case reference (a court case citing a prosecutor's complaint: same role). At
-- least one side belongs to a diagnosed load. $load_ids: the diagnosed loads.
create or replace temp table _q_people as
select p.load_id, p.row_number, p.role, e.source_id, e.record_id, e.related_record_id,
       e.date_occurrence, e.reference_date, e.iccs_code,
       nullif(p.sex, 'unknown') as sex, p.age,
       case when p.id_number_status = 'valid' then i.id_number end as idn,
       i.full_name, i.given_names,
       coalesce(i.surnames, nullif(concat_ws(' ', i.first_surname, i.second_surname), ''))
           as surnames,
       l.load_id in (select unnest($load_ids::integer[])) as diagnosed
from persons as p
join events as e using (load_id, row_number)
join loads as l using (load_id)
left join restricted.person_identity as i using (load_id, row_number, role)
where l.superseded_by is null or l.load_id in (select unnest($load_ids::integer[]));

create or replace temp table _q_pairs as
with by_number as (
    select *, count(*) over (partition by idn) as group_size
    from _q_people
    where idn is not null
),
number_pairs as (
    select 'id-number' as key_kind, a.load_id as a_load, a.row_number as a_row, a.role as a_role,
           b.load_id as b_load, b.row_number as b_row, b.role as b_role
    from by_number as a
    join by_number as b
        on a.idn = b.idn
       and (a.load_id, a.row_number, a.role) < (b.load_id, b.row_number, b.role)
    where (a.diagnosed or b.diagnosed) and a.group_size <= $max_group
),
reference_pairs as (
    select 'case-reference' as key_kind, a.load_id, a.row_number, a.role,
           b.load_id, b.row_number, b.role
    from _q_people as a
    join _q_people as b
        on a.related_record_id = b.record_id
       and a.role = b.role
       and a.source_id <> b.source_id
    where a.diagnosed or b.diagnosed
)
select * from number_pairs
union all
select * from reference_pairs;
