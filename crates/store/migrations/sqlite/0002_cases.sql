-- The closed loop (SQLite). Keep in step with ../postgres/0002_cases.sql.

CREATE TABLE sla_rules (
    zone_id        BLOB NOT NULL,
    category_code  TEXT NOT NULL,            -- '*' = every category without its own rule
    urgency        TEXT NOT NULL CHECK (urgency IN ('urgent','normal')),
    sign_hours     INTEGER NOT NULL,
    handle_days    INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (zone_id, category_code, urgency)
);

CREATE TABLE case_counters (
    zone_id  BLOB NOT NULL,
    day      TEXT NOT NULL,                  -- YYYYMMDD, Beijing
    last     INTEGER NOT NULL,
    PRIMARY KEY (zone_id, day)
);

CREATE TABLE cases (
    id                BLOB PRIMARY KEY NOT NULL,
    zone_id           BLOB NOT NULL REFERENCES org_units(id),
    case_no           TEXT NOT NULL,
    channel           TEXT NOT NULL,
    state             TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    category_code     TEXT NOT NULL,
    urgency           TEXT NOT NULL,
    enterprise_id     BLOB REFERENCES enterprises(id),
    person_name       TEXT,
    person_phone      TEXT,
    address           TEXT,
    grid_id           BLOB REFERENCES org_units(id),
    lon               REAL,
    lat               REAL,
    expected_outcome  TEXT,
    submitter_id      BLOB REFERENCES users(id),
    filed_by          BLOB NOT NULL REFERENCES users(id),
    idempotency_key   TEXT,
    reject_reason     TEXT,
    lead_unit_id      BLOB REFERENCES org_units(id),
    sign_by           TEXT,
    due_at            TEXT,
    bounces           INTEGER NOT NULL DEFAULT 0,
    reworks           INTEGER NOT NULL DEFAULT 0,
    rating            TEXT,
    rating_comment    TEXT,
    rated_at          TEXT,
    merged_into       BLOB REFERENCES cases(id),
    paused_at         TEXT,
    review_on         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    dispatched_at     TEXT,
    closed_at         TEXT,
    event_count       INTEGER NOT NULL DEFAULT 0,
    last_hash         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX uq_cases__case_no ON cases(zone_id, case_no);
CREATE UNIQUE INDEX uq_cases__idempotency_key ON cases(zone_id, filed_by, idempotency_key);
CREATE INDEX ix_cases__state ON cases(zone_id, state, due_at);
CREATE INDEX ix_cases__lead ON cases(lead_unit_id, state, due_at);
CREATE INDEX ix_cases__enterprise ON cases(enterprise_id);
CREATE INDEX ix_cases__submitter ON cases(submitter_id);
CREATE INDEX ix_cases__grid ON cases(grid_id);

CREATE TABLE case_assignments (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL,
    case_id     BLOB NOT NULL REFERENCES cases(id),
    unit_id     BLOB NOT NULL REFERENCES org_units(id),
    role        TEXT NOT NULL CHECK (role IN ('lead','assist')),
    state       TEXT NOT NULL,
    note        TEXT,
    sign_by     TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    signed_at   TEXT,
    signed_by   BLOB REFERENCES users(id),
    replied_at  TEXT,
    replied_by  BLOB REFERENCES users(id),
    reply       TEXT,
    created_at  TEXT NOT NULL,
    ended_at    TEXT
);
CREATE INDEX ix_case_assignments__case ON case_assignments(case_id);
CREATE INDEX ix_case_assignments__unit ON case_assignments(unit_id, state, due_at);

-- Append-only, hash-linked: hash = sha256(prev_hash | seq | case_id | at | actor | action | from | to | detail)
CREATE TABLE case_events (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL,
    case_id     BLOB NOT NULL REFERENCES cases(id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor_id    BLOB,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_case_events__seq ON case_events(case_id, seq);

CREATE TABLE case_requests (
    id             BLOB PRIMARY KEY NOT NULL,
    zone_id        BLOB NOT NULL,
    case_id        BLOB NOT NULL REFERENCES cases(id),
    assignment_id  BLOB NOT NULL REFERENCES case_assignments(id),
    kind           TEXT NOT NULL CHECK (kind IN ('extension','pause','park')),
    reason         TEXT NOT NULL,
    days           INTEGER,
    review_on      TEXT,
    state          TEXT NOT NULL CHECK (state IN ('pending','approved','refused')),
    requested_by   BLOB NOT NULL REFERENCES users(id),
    requested_at   TEXT NOT NULL,
    decided_by     BLOB REFERENCES users(id),
    decided_at     TEXT,
    decision_note  TEXT
);
CREATE INDEX ix_case_requests__case ON case_requests(case_id);

CREATE TABLE notifications (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL,
    user_id     BLOB REFERENCES users(id),
    unit_id     BLOB REFERENCES org_units(id),
    case_id     BLOB REFERENCES cases(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX ix_notifications__user ON notifications(user_id, read_at);
CREATE INDEX ix_notifications__unit ON notifications(unit_id, read_at);
