-- Enterprise registry, imports, operating indicators, five-colour bands and early warnings
-- (SQLite). Keep in step with ../postgres/0006_registry.sql.

ALTER TABLE enterprises ADD COLUMN uscc_exception TEXT;
ALTER TABLE enterprises ADD COLUMN service_staff_id BLOB REFERENCES users(id);
ALTER TABLE enterprises ADD COLUMN band TEXT;
ALTER TABLE enterprises ADD COLUMN band_score REAL;
ALTER TABLE enterprises ADD COLUMN band_since TEXT;
-- the latest period the enterprise reported any indicator for (silence warnings)
ALTER TABLE enterprises ADD COLUMN last_reported TEXT;
CREATE INDEX ix_enterprises__band ON enterprises(zone_id, band);

-- the zone's tag vocabulary (administrator-defined)
CREATE TABLE enterprise_tags (
    zone_id  BLOB NOT NULL REFERENCES org_units(id),
    name     TEXT NOT NULL,
    sort     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, name)
);

CREATE TABLE import_jobs (
    id           BLOB PRIMARY KEY NOT NULL,
    zone_id      BLOB NOT NULL REFERENCES org_units(id),
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content      BLOB NOT NULL,
    status       TEXT NOT NULL,
    mapping      TEXT NOT NULL DEFAULT '{}',
    report       TEXT NOT NULL DEFAULT '{}',
    total_rows   INTEGER NOT NULL DEFAULT 0,
    processed    INTEGER NOT NULL DEFAULT 0,
    inserted     INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    message      TEXT,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX ix_import_jobs__zone ON import_jobs(zone_id, created_at);

CREATE TABLE indicators (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL REFERENCES org_units(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    period      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    formula     TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    sort        INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_indicators__code ON indicators(zone_id, code);
CREATE UNIQUE INDEX uq_indicators__name ON indicators(zone_id, name);

-- reported values; a correction supersedes the old row, which is kept
CREATE TABLE indicator_values (
    id             BLOB PRIMARY KEY NOT NULL,
    zone_id        BLOB NOT NULL,
    enterprise_id  BLOB NOT NULL REFERENCES enterprises(id),
    indicator_id   BLOB NOT NULL REFERENCES indicators(id),
    period         TEXT NOT NULL,
    value          REAL NOT NULL,
    source         TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    recorded_by    BLOB,
    superseded_at  TEXT
);
CREATE UNIQUE INDEX uq_indicator_values__current ON indicator_values(enterprise_id, indicator_id, period)
    WHERE superseded_at IS NULL;
CREATE INDEX ix_indicator_values__period ON indicator_values(zone_id, indicator_id, period);

CREATE TABLE band_rules (
    zone_id     BLOB PRIMARY KEY NOT NULL REFERENCES org_units(id),
    rules       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- one row per change of an enterprise's band
CREATE TABLE band_history (
    id             BLOB PRIMARY KEY NOT NULL,
    zone_id        BLOB NOT NULL,
    enterprise_id  BLOB NOT NULL REFERENCES enterprises(id),
    at             TEXT NOT NULL,
    band           TEXT,
    prev_band      TEXT,
    score          REAL,
    detail         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ix_band_history__enterprise ON band_history(enterprise_id, at);

-- how many enterprises were in each band at the end of each day (the trend)
CREATE TABLE band_daily (
    zone_id  BLOB NOT NULL,
    day      TEXT NOT NULL,
    band     TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (zone_id, day, band)
);

CREATE TABLE warnings (
    id             BLOB PRIMARY KEY NOT NULL,
    zone_id        BLOB NOT NULL,
    enterprise_id  BLOB NOT NULL REFERENCES enterprises(id),
    kind           TEXT NOT NULL,
    from_band      TEXT,
    to_band        TEXT,
    message        TEXT NOT NULL,
    case_id        BLOB REFERENCES cases(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX ix_warnings__zone ON warnings(zone_id, created_at);
CREATE INDEX ix_warnings__enterprise ON warnings(enterprise_id, kind, created_at);

-- the zone's map: GeoJSON of its streets and grids
CREATE TABLE zone_geo (
    zone_id     BLOB PRIMARY KEY NOT NULL REFERENCES org_units(id),
    geojson     TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
