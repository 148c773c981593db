-- Data quality diagnostics (ciudadana.quality): every diagnosis run, one row per finding, and a
-- score per dimension per source x period. A finding on a personal field (names, identity
-- numbers, addresses, coordinates) keeps its row, field and rule; its value stays NULL here.

create table quality_runs (
    run_id            integer primary key,
    started_at        timestamp not null,
    finished_at       timestamp not null,
    ciudadana_version varchar not null,
    load_ids          integer[] not null,
    rules_sha256      varchar not null,
    seconds           double not null,
    notes             varchar
);

-- The last diagnosis of each load: which rules ran, whether the received file was re-read.
create table quality_loads (
    load_id      integer primary key,
    run_id       integer not null,
    source_id    varchar not null,
    rows_checked bigint not null,
    sheets       varchar[],
    raw_read     boolean not null,
    rules        varchar[] not null
);

-- One row per finding. row_number follows ingest (MP workbooks: sheet k's row r is
-- k * 1,000,000 + r); it is NULL for a finding on a whole load or on a cell of counts
-- (a territory x month), which then names territory_code and period.
create table quality_findings (
    run_id             integer not null,
    load_id            integer not null,
    row_number         bigint,
    field              varchar,
    column_name        varchar,
    value              varchar,
    rule               varchar not null,
    dimension          varchar not null,
    severity           varchar not null,
    period             date,
    territory_code     varchar,
    related_load_id    integer,
    related_row_number bigint,
    detail             varchar
);

-- Scores in [0, 1]: 1 - failed / checked. period NULL = the whole load; rule and field NULL =
-- the whole dimension. Replaced when the same load is diagnosed again.
create table quality_scores (
    run_id    integer not null,
    load_id   integer not null,
    source_id varchar not null,
    period    date,
    dimension varchar not null,
    rule      varchar,
    field     varchar,
    checked   bigint not null,
    failed    bigint not null,
    score     double
);

-- Did this export improve? Each load's whole-load score per dimension beside the previous load
-- of the same source.
create view quality_trend as
select
    s.source_id,
    s.load_id,
    l.file_name,
    l.period_start,
    l.period_end,
    s.dimension,
    s.score,
    lag(s.score) over w as previous_score,
    s.score - lag(s.score) over w as change
from quality_scores as s
join loads as l using (load_id)
where s.period is null
  and s.rule is null
  and s.field is null
window w as (partition by s.source_id, s.dimension order by l.period_start, s.load_id);

create view current_quality_findings as
select q.*
from quality_findings as q
join current_loads using (load_id);
