-- The warehouse's core: lineage, reference tables, events, persons, population, quarantine.
-- Everything a public process may ever read lives in schema main; names, identity numbers,
-- exact addresses and exact points live in schema restricted.
-- Facts are keyed by (load_id, row_number), unique by construction (one load writes its rows
-- once, in one transaction); they carry no index, which would cost a load of a million rows
-- seconds for nothing. tests/test_demo_chain.py checks the uniqueness.

create schema if not exists restricted;

create table loads (
    load_id          integer primary key,
    source_id        varchar not null,
    spec_name        varchar not null,
    spec_sha256      varchar not null,
    file_name        varchar not null,
    file_sha256      varchar not null,
    raw_path         varchar not null,
    file_bytes       bigint not null,
    counting_unit    varchar not null,
    date_semantics   varchar,
    country          varchar not null,
    rows_in          bigint not null,
    rows_loaded      bigint not null,
    rows_quarantined bigint not null,
    rows_skipped     bigint not null,
    period_start     date,
    period_end       date,
    superseded_by    integer,
    started_at       timestamp not null,
    finished_at      timestamp not null,
    ciudadana_version varchar not null,
    columns          varchar[],
    notes            varchar
);

create table iccs (
    code          varchar primary key,
    level         integer not null,
    parent        varchar,
    section       varchar not null,
    label_es      varchar not null,
    label_en      varchar not null,
    national      boolean not null
);

create table territories (
    country       varchar not null,
    code          varchar not null,
    level         integer not null,
    name          varchar not null,
    parent_code   varchar,
    lat           double,
    lon           double,
    primary key (country, code)
);

-- One row per record of a microdata source (an incident, a complaint, a victim's row, a case).
create table events (
    load_id           integer not null,
    row_number        bigint not null,
    source_id         varchar not null,
    record_id         varchar,
    incident_id       varchar,
    related_record_id varchar,
    counting_unit     varchar not null,
    iccs_code         varchar,
    national_code     varchar,
    date_occurrence   date,
    date_registration date,
    reference_date    date,
    date_precision    varchar,
    country           varchar not null,
    territory_code    varchar,
    department_code   varchar,
    area              varchar,
    weapon            varchar,
    outcome           varchar,
    date_outcome      date,
    date_end          date
);

-- An event can belong to several ICCS categories (a complaint of physical and sexual violence).
create table event_offences (
    load_id       integer not null,
    row_number    bigint not null,
    iccs_code     varchar not null,
    national_code varchar
);

-- Persons involved, one row per role per record. NULL = the source does not record the
-- attribute; 'unknown' = the source records it as unknown.
create table persons (
    load_id            integer not null,
    row_number         bigint not null,
    role               varchar not null,
    sex                varchar,
    gender_identity    varchar,
    sexual_orientation varchar,
    age                integer,
    age_status         varchar,
    pueblo             varchar,
    disability         varchar,
    nationality        varchar,
    migration_status   varchar,
    marital_status     varchar,
    relationship       varchar,
    id_number_status   varchar
);

create table restricted.person_identity (
    load_id        integer not null,
    row_number     bigint not null,
    role           varchar not null,
    full_name      varchar,
    given_names    varchar,
    surnames       varchar,
    first_surname  varchar,
    second_surname varchar,
    id_number      varchar,
    birth_date     date,
    address        varchar
);

create table restricted.event_location (
    load_id     integer not null,
    row_number  bigint not null,
    address     varchar,
    lat         double,
    lon         double
);

-- Aggregate tables (counts per territory and period) as published by a statistics office.
create table aggregates (
    load_id        integer not null,
    row_number     bigint not null,
    cell           varchar not null,
    iccs_code      varchar,
    national_code  varchar,
    country        varchar not null,
    territory_code varchar,
    period_start   date not null,
    period_end     date not null,
    sex            varchar,
    age_group      varchar,
    value          double not null
);

create table population (
    load_id        integer not null,
    row_number     bigint not null,
    country        varchar not null,
    year           integer not null,
    territory_code varchar not null,
    sex            varchar not null,
    age_min        integer not null,
    age_max        integer,
    population     double not null
);

-- Rows refused, with every value as received, so they can be sent back and re-delivered.
-- Restricted: a refused row carries whatever the source sent, names and numbers included.
create table restricted.quarantine (
    load_id     integer not null,
    row_number  bigint not null,
    raw         json not null
);

-- Every problem found while loading: errors (the row went to quarantine) and warnings
-- (the row was loaded, the value kept as unknown or flagged). The value of a personal field
-- (names, identity numbers, addresses, coordinates) is never copied here: it stays in the
-- restricted quarantine or person tables.
create table findings (
    load_id    integer not null,
    row_number bigint,
    field      varchar,
    column_name varchar,
    value      varchar,
    code       varchar not null,
    severity   varchar not null,
    message    varchar not null
);

-- What analysis reads: only loads that no corrected re-delivery has superseded.
create view current_loads as
select *
from loads
where superseded_by is null;

create view current_events as
select e.*
from events as e
join current_loads using (load_id);

create view current_event_offences as
select o.*
from event_offences as o
join current_loads using (load_id);

create view current_persons as
select p.*
from persons as p
join current_loads using (load_id);

create view current_aggregates as
select a.*
from aggregates as a
join current_loads using (load_id);

create view current_population as
select p.*
from population as p
join current_loads using (load_id);
