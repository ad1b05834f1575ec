-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- same tables, columns and index names; only the types differ.
-- Keys are uuid v7 (16-byte BLOB here), times are UTC RFC 3339 text, booleans 0/1.

CREATE TABLE org_units (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL,
    parent_id   BLOB REFERENCES org_units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('zone','department','street','community','village','grid')),
    name        TEXT NOT NULL,
    code        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    -- materialised path of ids ("/<zone>/<street>/<community>/<grid>/") for subtree scopes
    path        TEXT NOT NULL,
    -- the street (街道/镇) this unit lies in, itself included; NULL for the zone and departments
    street_id   BLOB REFERENCES org_units(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_org_units__code ON org_units(zone_id, code);
CREATE INDEX ix_org_units__parent ON org_units(parent_id);
CREATE INDEX ix_org_units__path ON org_units(path);

CREATE TABLE enterprises (
    id                      BLOB PRIMARY KEY NOT NULL,
    zone_id                 BLOB NOT NULL REFERENCES org_units(id),
    uscc                    TEXT NOT NULL,
    name                    TEXT NOT NULL,
    former_names            TEXT NOT NULL DEFAULT '[]',
    legal_rep               TEXT NOT NULL DEFAULT '',
    registered_capital_wan  REAL,
    founded_on              TEXT,
    address                 TEXT NOT NULL DEFAULT '',
    grid_id                 BLOB REFERENCES org_units(id),
    industry_code           TEXT NOT NULL DEFAULT '',
    employees               INTEGER,
    revenue_wan             REAL,
    assets_wan              REAL,
    size_class              TEXT NOT NULL DEFAULT 'micro',
    tags                    TEXT NOT NULL DEFAULT '[]',
    contact_name            TEXT NOT NULL DEFAULT '',
    contact_phone           TEXT NOT NULL DEFAULT '',
    lon                     REAL,
    lat                     REAL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_enterprises__uscc ON enterprises(zone_id, uscc);
CREATE INDEX ix_enterprises__grid ON enterprises(grid_id);
CREATE INDEX ix_enterprises__name ON enterprises(zone_id, name);

CREATE TABLE users (
    id                    BLOB PRIMARY KEY NOT NULL,
    zone_id               BLOB NOT NULL REFERENCES org_units(id),
    username              TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL,
    org_unit_id           BLOB NOT NULL REFERENCES org_units(id),
    enterprise_id         BLOB REFERENCES enterprises(id),
    phone                 TEXT,
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,
    last_login_at         TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_users__username ON users(username);
CREATE INDEX ix_users__zone ON users(zone_id, org_unit_id);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,   -- sha256 of the cookie value, hex
    user_id       BLOB NOT NULL REFERENCES users(id),
    zone_id       BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX ix_sessions__user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            BLOB PRIMARY KEY NOT NULL,
    zone_id       BLOB NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    token_hash    TEXT NOT NULL,               -- sha256 of the whole token, hex
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT,
    revoked_at    TEXT
);
CREATE UNIQUE INDEX uq_api_tokens__hash ON api_tokens(token_hash);
CREATE INDEX ix_api_tokens__user ON api_tokens(user_id);

CREATE TABLE login_failures (
    id        BLOB PRIMARY KEY NOT NULL,
    ip        TEXT NOT NULL,
    username  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX ix_login_failures__ip ON login_failures(ip, at);

CREATE TABLE audit_events (
    id           BLOB PRIMARY KEY NOT NULL,
    zone_id      BLOB NOT NULL,
    at           TEXT NOT NULL,
    actor_id     BLOB,
    actor_name   TEXT,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    BLOB,
    detail       TEXT NOT NULL DEFAULT '{}',
    ip           TEXT,
    request_id   TEXT
);
CREATE INDEX ix_audit_events__zone_at ON audit_events(zone_id, at);
CREATE INDEX ix_audit_events__target ON audit_events(target_id, at);

CREATE TABLE categories (
    zone_id      BLOB NOT NULL,
    code         TEXT NOT NULL,
    parent_code  TEXT,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, code)
);

CREATE TABLE calendar_days (
    zone_id  BLOB NOT NULL,
    day      TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (zone_id, day)
);

-- Cluster-safe scheduled jobs: one row per job, held by one node until the lease expires.
CREATE TABLE job_leases (
    name         TEXT PRIMARY KEY NOT NULL,
    holder       TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
