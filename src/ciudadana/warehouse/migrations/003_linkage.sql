-- Record linkage: the registry of persons and of events across sources, the pairs left for a
-- person to review and their decisions, reconciled counts and the unrecorded-cases estimates.
-- Everything that points at a person's records lives in schema restricted; schema main holds
-- only counts (reconciled figures, estimates), never a record key, a name or a number.

-- One run of `ciudadana link`: the settings it used (text and hash), the trained model, the
-- loads it read, what it found. Written in the same transaction as its registry rows.
create table restricted.link_runs (
    run_id            integer primary key,
    kind              varchar not null,      -- persons | events
    backend           varchar not null,      -- duckdb | spark
    settings_name     varchar not null,
    settings_version  integer not null,
    settings_sha256   varchar not null,
    settings_text     varchar not null,
    model_json        json not null,
    match_threshold   double not null,
    review_threshold  double not null,
    load_ids          integer[] not null,
    records           bigint not null,
    pairs_scored      bigint not null,
    links             bigint not null,
    clusters          bigint not null,
    decisions_applied integer not null,
    review_pairs      bigint not null,
    notes             varchar[],
    started_at        timestamp not null,
    finished_at       timestamp not null,
    ciudadana_version varchar not null
);

-- Which person (events: which victim of which event) each record is, per run.
create table restricted.person_registry (
    run_id            integer not null,
    person_id         varchar not null,
    load_id           integer not null,
    row_number        bigint not null,
    role              varchar not null,
    source_id         varchar not null,
    match_probability double,             -- best pair that joined it (NULL: alone)
    primary key (run_id, load_id, row_number, role)
);

create table restricted.event_registry (
    run_id            integer not null,
    event_id          varchar not null,
    load_id           integer not null,
    row_number        bigint not null,
    source_id         varchar not null,
    match_probability double,
    primary key (run_id, load_id, row_number)
);

-- Scored pairs kept with the run: those linked and those left for clerical review.
create table restricted.link_pairs (
    run_id            integer not null,
    kind              varchar not null,
    load_id_l         integer not null,
    row_number_l      bigint not null,
    role_l            varchar not null,
    load_id_r         integer not null,
    row_number_r      bigint not null,
    role_r            varchar not null,
    match_probability double not null,
    match_weight      double,
    status            varchar not null    -- linked | review
);

-- What a person decided about a pair. Kept for ever; an automatic run never overrides it.
-- A later decision on the same pair supersedes the earlier one (superseded_by).
create table restricted.link_decisions (
    decision_id   integer primary key,
    kind          varchar not null,
    load_id_l     integer not null,
    row_number_l  bigint not null,
    role_l        varchar not null,
    load_id_r     integer not null,
    row_number_r  bigint not null,
    role_r        varchar not null,
    decision      varchar not null,        -- same | different
    reviewer      varchar,
    note          varchar,
    file_name     varchar,
    file_sha256   varchar,
    decided_at    timestamp not null,
    superseded_by integer
);

-- The monthly inter-institutional validation table, per run: discrepancies to resolve.
create table restricted.link_worklist (
    run_id          integer not null,
    year            integer not null,
    month           integer not null,
    department_code varchar,
    category        varchar,
    event_id        varchar not null,
    issue           varchar not null,      -- single-source | date | place | sex
    detail          varchar not null,
    sources         varchar[] not null
);

-- A department and month whose figures the table agreed on.
create table restricted.link_validations (
    year            integer not null,
    month           integer not null,
    department_code varchar not null,
    validated_at    timestamp not null,
    validated_by    varchar,
    note            varchar,
    run_id          integer not null
);

-- Counts only: victims of each month, department, ICCS category and sex, each counted once
-- across sources, with how many of them each source recorded.
create table reconciled_counts (
    run_id          integer not null,
    year            integer not null,
    month           integer not null,
    department_code varchar,
    category        varchar,
    sex             varchar,
    victims         integer not null,
    single_source   integer not null,
    status          varchar not null       -- preliminar | validado
);

create table reconciled_source_counts (
    run_id          integer not null,
    year            integer not null,
    month           integer not null,
    department_code varchar,
    category        varchar,
    source_id       varchar not null,
    victims         integer not null
);

-- Multiple-systems estimates: counts only.
create table mse_estimates (
    run_id          integer not null,
    year            integer,
    department_code varchar,
    category        varchar,
    sources         varchar[] not null,
    observed        integer not null,
    model           varchar,
    criterion       varchar,
    estimate        double,
    stderr          double,
    lower           double,
    upper           double,
    deviance        double,
    df              integer,
    note            varchar
);

create view restricted.current_person_registry as
select r.*
from restricted.person_registry as r
where r.run_id = (select max(run_id) from restricted.link_runs where kind = 'persons');

create view restricted.current_event_registry as
select r.*
from restricted.event_registry as r
where r.run_id = (select max(run_id) from restricted.link_runs where kind = 'events');

create view current_reconciled_counts as
select c.*
from reconciled_counts as c
where c.run_id = (select max(run_id) from reconciled_counts);

create view current_mse_estimates as
select e.*
from mse_estimates as e
where e.run_id = (select max(run_id) from mse_estimates);
