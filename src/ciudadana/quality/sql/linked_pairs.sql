-- Pairs of person records that person linkage puts in one person and that no exact key paired
-- already: `_q_linked` (load_id, row_number, role, person_id), handed in by ciudadana.linkage
-- after a person linkage run (quality never reads the registry itself). A person of more than
-- $max_group records is left out, as an identity number shared by that many is. At least one
-- side belongs to a diagnosed load.
insert into _q_pairs
with linked as (
    select k.person_id, p.load_id, p.row_number, p.role, p.diagnosed,
           count(*) over (partition by k.person_id) as group_size
    from _q_linked as k
    join _q_people as p using (load_id, row_number, role)
),
candidates as (
    select 'linked' as key_kind, a.load_id as a_load, a.row_number as a_row, a.role as a_role,
           b.load_id as b_load, b.row_number as b_row, b.role as b_role
    from linked as a
    join linked as b
        on a.person_id = b.person_id
       and (a.load_id, a.row_number, a.role) < (b.load_id, b.row_number, b.role)
    where (a.diagnosed or b.diagnosed) and a.group_size <= $max_group
)
select c.*
from candidates as c
anti join _q_pairs as e
    on e.a_load = c.a_load and e.a_row = c.a_row and e.a_role = c.a_role
   and e.b_load = c.b_load and e.b_row = c.b_row and e.b_role = c.b_role
anti join _q_pairs as r
    on r.a_load = c.b_load and r.a_row = c.b_row and r.a_role = c.b_role
   and r.b_load = c.a_load and r.b_row = c.a_row and r.b_role = c.a_role;
