-- The release database: what the portal serves, and nothing else. SQLite, written once by
-- `ciudadana release` and opened read-only by the portal. It holds only aggregates declared in
-- the indicator catalogue after disclosure control, the code lists and the lineage summary.
-- No table here has a column for a person: no names, identity numbers, addresses or points.

create table release_info (
    key   text primary key,   -- version, country, country_name, created, threshold,
    value text not null       -- protection, licence, licence_url, previous_version, publisher
);

create table indicators (
    code         text primary key,  -- SDMX series code, e.g. VC_IHR_PSRC
    sort         integer not null,  -- catalogue order
    sdg          text,              -- e.g. 16.1.1, or null
    unit         text not null,     -- per_100k, per_100k_women, percent, count...
    unit_measure text not null,     -- SDMX UNIT_MEASURE code
    decimals     integer not null,
    counting     text not null,     -- victims, events, cases
    date_basis   text not null,     -- occurrence, registration
    iccs         text not null,     -- JSON list of ICCS codes, e.g. ["0101"]
    name_es      text not null,
    name_en      text not null,
    short_es     text not null,
    short_en     text not null,
    notes_es     text not null,
    notes_en     text not null,
    groupings    text not null,     -- JSON list of the published groupings, e.g. ["year", "year+department"]
    first_year   integer,
    last_year    integer
);

create table territories (
    code   text primary key,  -- official codes as in the warehouse: GTM, "01", "0101"
    level  text not null,     -- country, department, municipality
    parent text,              -- the code one level up (null for the country)
    name   text not null,
    sort   integer not null
);

create table codes (
    dimension text not null,  -- sex, age, pueblo, relationship, weapon, conf_status, territory_level
    code      text not null,  -- the value used in observations (female, 15-29, total, unknown...)
    label_es  text not null,
    label_en  text not null,
    sort      integer not null,
    primary key (dimension, code)
);

-- One row per published cell. A dimension a row is not cut by is 'total'; 'unknown' is a
-- category the source did not record. A suppressed cell keeps its key and its denominator
-- (population is public) but numerator, value, intervals and the age-standardised rate are null.
create table observations (
    indicator       text not null,
    grouping        text not null,     -- year, year+department, year+municipality+sex, ...
    source          text not null,     -- the source the figure comes from (e.g. gtm/inacif-necropsias)
    time_period     text not null,     -- SDMX time: 2019, 2019-Q1, 2019-03
    year            integer not null,
    territory_level text not null,     -- country, department, municipality
    territory       text not null,
    sex             text not null,
    age             text not null,
    pueblo          text not null,
    relationship    text not null,
    weapon          text not null,
    numerator       integer,
    denominator     real,
    value           real,
    lower           real,
    upper           real,
    unstable        integer,           -- 1 when the relative error is too large to compare
    value_asr       real,              -- age-standardised rate (only where the count is large)
    lower_asr       real,
    upper_asr       real,
    conf_status     text not null,     -- SDMX CONF_STATUS: F free, A small count, D secondary
    primary key (indicator, grouping, time_period, territory, sex, age, pueblo, relationship, weapon)
);
create index observations_by_territory on observations (indicator, grouping, territory);
create index observations_by_period on observations (indicator, grouping, year);

create table files (
    path       text primary key,  -- relative to the release folder, e.g. datos/indicadores.csv
    format     text not null,     -- csv, parquet, sdmx-csv, geojson, json-ld, json
    media_type text not null,
    sha256     text not null,
    bytes      integer not null,
    title_es   text not null,
    title_en   text not null
);

create table loads (
    load_id   integer primary key,
    source_id text not null,
    file_name text not null,
    sha256    text not null,
    loaded_at text not null,
    rows_in   integer not null,
    loaded    integer not null
);
