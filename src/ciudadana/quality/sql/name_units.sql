-- Name units of every person record of the current loads (and the diagnosed ones): words in
-- capitals, a particle kept with the word it introduces (DE LEÓN -> DE_LEÓN, DE LA CRUZ ->
-- DE_LA_CRUZ), with the field and position they come from. These temporary tables hold
-- personal data: they live only during the diagnosis and nothing personal leaves them.
create or replace temp table _q_name_units as
with names as (
    select i.load_id, i.row_number, i.role, f.field,
           regexp_split_to_array(
               regexp_replace(
                   upper(trim(regexp_replace(f.text, '\s+', ' ', 'g'))),
                   '\b(DE|DEL|LA|LAS|LOS) ', '\1_', 'g'
               ),
               ' '
           ) as units,
           l.load_id in (select unnest($load_ids::integer[])) as diagnosed
    from restricted.person_identity as i
    join loads as l using (load_id)
    cross join lateral (
        values ('full_name', i.full_name), ('given_names', i.given_names),
               ('surnames', i.surnames), ('first_surname', i.first_surname),
               ('second_surname', i.second_surname)
    ) as f(field, text)
    where (l.superseded_by is null or l.load_id in (select unnest($load_ids::integer[])))
      and nullif(trim(f.text), '') is not null
)
select load_id, row_number, role, field, diagnosed, len(units) as n_units,
       unnest(units) as unit,
       unnest(generate_series(1, len(units))) as pos
from names;

-- How each folded unit is written and used across the corpus.
create or replace temp table _q_unit_stats as
with forms as (
    select upper(strip_accents(unit)) as folded, unit, count(*) as n
    from _q_name_units
    group by all
),
ranked as (
    select folded, unit as dominant, n as dominant_n,
           sum(n) over (partition by folded) as total
    from forms
    qualify row_number() over (partition by folded order by n desc, unit) = 1
),
uses as (
    select upper(strip_accents(unit)) as folded,
           count(*) filter (where field = 'given_names') as as_given,
           count(*) filter (where field in ('surnames', 'first_surname', 'second_surname'))
               as as_surname,
           count(*) filter (where field in ('surnames', 'first_surname') and pos = 1)
               as as_first_surname
    from _q_name_units
    group by all
)
select * from ranked join uses using (folded);
