-- Records that person linkage ties together and that disagree join the quality diagnosis
-- (ciudadana.quality.linked, run after each person linkage run). A finding or denominator that
-- only the linked records gave names the person linkage run (link_run_id; NULL: the diagnosis
-- found it on its own). The denominators of every diagnosis are kept (quality_checked), so that
-- the scores can be recomputed when linked findings arrive without diagnosing everything again.

alter table quality_findings add column link_run_id integer;

alter table quality_runs add column link_run_id integer;

-- What each rule looked at, per load and month (period NULL: a whole-load unit) and field, in
-- its unit (row, cell, territory-month, month): the denominators of quality_scores.
create table quality_checked (
    run_id      integer not null,
    load_id     integer not null,
    period      date,
    dimension   varchar not null,
    rule        varchar not null,
    field       varchar,
    unit        varchar,
    checked     bigint not null,
    link_run_id integer
);
