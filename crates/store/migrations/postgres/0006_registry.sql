-- Enterprise registry, imports, operating indicators, five-colour bands and early warnings
-- (PostgreSQL). Keep in step with ../sqlite/0006_registry.sql.

ALTER TABLE enterprises ADD COLUMN uscc_exception text;
ALTER TABLE enterprises ADD COLUMN service_staff_id uuid REFERENCES users(id);
ALTER TABLE enterprises ADD COLUMN band text;
ALTER TABLE enterprises ADD COLUMN band_score double precision;
ALTER TABLE enterprises ADD COLUMN band_since timestamptz;
-- the latest period the enterprise reported any indicator for (silence warnings)
ALTER TABLE enterprises ADD COLUMN last_reported date;
CREATE INDEX ix_enterprises__band ON enterprises(zone_id, band);

-- the zone's tag vocabulary (administrator-defined)
CREATE TABLE enterprise_tags (
    zone_id  uuid NOT NULL REFERENCES org_units(id),
    name     text NOT NULL,
    sort     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, name)
);

CREATE TABLE import_jobs (
    id           uuid PRIMARY KEY,
    zone_id      uuid NOT NULL REFERENCES org_units(id),
    kind         text NOT NULL,
    file_name    text NOT NULL,
    content      bytea NOT NULL,
    status       text NOT NULL,
    mapping      jsonb NOT NULL DEFAULT '{}',
    report       jsonb NOT NULL DEFAULT '{}',
    total_rows   bigint NOT NULL DEFAULT 0,
    processed    bigint NOT NULL DEFAULT 0,
    inserted     bigint NOT NULL DEFAULT 0,
    updated      bigint NOT NULL DEFAULT 0,
    message      text,
    created_by   uuid NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz
);
CREATE INDEX ix_import_jobs__zone ON import_jobs(zone_id, created_at);

CREATE TABLE indicators (
    id          uuid PRIMARY KEY,
    zone_id     uuid NOT NULL REFERENCES org_units(id),
    code        text NOT NULL,
    name        text NOT NULL,
    unit        text NOT NULL DEFAULT '',
    period      text NOT NULL,
    kind        text NOT NULL,
    formula     text,
    active      boolean NOT NULL DEFAULT true,
    sort        bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX uq_indicators__code ON indicators(zone_id, code);
CREATE UNIQUE INDEX uq_indicators__name ON indicators(zone_id, name);

-- reported values; a correction supersedes the old row, which is kept
CREATE TABLE indicator_values (
    id             uuid PRIMARY KEY,
    zone_id        uuid NOT NULL,
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    indicator_id   uuid NOT NULL REFERENCES indicators(id),
    period         date NOT NULL,
    value          double precision NOT NULL,
    source         text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    recorded_by    uuid,
    superseded_at  timestamptz
);
CREATE UNIQUE INDEX uq_indicator_values__current ON indicator_values(enterprise_id, indicator_id, period)
    WHERE superseded_at IS NULL;
CREATE INDEX ix_indicator_values__period ON indicator_values(zone_id, indicator_id, period);

CREATE TABLE band_rules (
    zone_id     uuid PRIMARY KEY REFERENCES org_units(id),
    rules       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- one row per change of an enterprise's band
CREATE TABLE band_history (
    id             uuid PRIMARY KEY,
    zone_id        uuid NOT NULL,
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    at             timestamptz NOT NULL,
    band           text,
    prev_band      text,
    score          double precision,
    detail         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ix_band_history__enterprise ON band_history(enterprise_id, at);

-- how many enterprises were in each band at the end of each day (the trend)
CREATE TABLE band_daily (
    zone_id  uuid NOT NULL,
    day      date NOT NULL,
    band     text NOT NULL,
    count    bigint NOT NULL,
    PRIMARY KEY (zone_id, day, band)
);

CREATE TABLE warnings (
    id             uuid PRIMARY KEY,
    zone_id        uuid NOT NULL,
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    kind           text NOT NULL,
    from_band      text,
    to_band        text,
    message        text NOT NULL,
    case_id        uuid REFERENCES cases(id),
    created_at     timestamptz NOT NULL
);
CREATE INDEX ix_warnings__zone ON warnings(zone_id, created_at);
CREATE INDEX ix_warnings__enterprise ON warnings(enterprise_id, kind, created_at);

-- the zone's map: GeoJSON of its streets and grids
CREATE TABLE zone_geo (
    zone_id     uuid PRIMARY KEY REFERENCES org_units(id),
    geojson     text NOT NULL,
    updated_at  timestamptz NOT NULL
);
