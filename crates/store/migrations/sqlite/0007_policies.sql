-- Policy library and matching (SQLite). Keep in step with ../postgres/0007_policies.sql.
-- See docs/POLICIES.md.

-- facts the policy rules and amounts use
ALTER TABLE enterprises ADD COLUMN revenue_last_year_wan REAL;
ALTER TABLE enterprises ADD COLUMN rd_spend_wan REAL;

CREATE TABLE policies (
    id            BLOB PRIMARY KEY NOT NULL,
    zone_id       BLOB NOT NULL REFERENCES org_units(id),
    title         TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    doc_no        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    effective_on  TEXT NOT NULL,
    expires_on    TEXT,
    apply_from    TEXT,
    apply_to      TEXT,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft','published','archived')),
    created_by    BLOB NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ix_policies__zone ON policies(zone_id, status, issued_on);
CREATE UNIQUE INDEX uq_policies__doc_no ON policies(zone_id, doc_no);

CREATE TABLE policy_items (
    id            BLOB PRIMARY KEY NOT NULL,
    zone_id       BLOB NOT NULL,
    policy_id     BLOB NOT NULL REFERENCES policies(id),
    seq           INTEGER NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    benefit_type  TEXT NOT NULL,
    amount        TEXT NOT NULL,
    rule          TEXT NOT NULL,
    materials     TEXT NOT NULL DEFAULT '[]',
    dept_id       BLOB NOT NULL REFERENCES org_units(id),
    auto_grant    BOOLEAN NOT NULL DEFAULT FALSE,
    review_days   INTEGER NOT NULL DEFAULT 10,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ix_policy_items__policy ON policy_items(policy_id, seq);
CREATE INDEX ix_policy_items__dept ON policy_items(dept_id);

-- who qualifies for which item now (recomputed; see docs/POLICIES.md)
CREATE TABLE policy_matches (
    item_id        BLOB NOT NULL REFERENCES policy_items(id),
    enterprise_id  BLOB NOT NULL REFERENCES enterprises(id),
    zone_id        BLOB NOT NULL,
    amount_wan     REAL,
    amount_note    TEXT,
    computed_at    TEXT NOT NULL,
    PRIMARY KEY (item_id, enterprise_id)
);
CREATE INDEX ix_policy_matches__enterprise ON policy_matches(enterprise_id);

CREATE TABLE policy_pushes (
    id             BLOB PRIMARY KEY NOT NULL,
    zone_id        BLOB NOT NULL,
    item_id        BLOB NOT NULL REFERENCES policy_items(id),
    enterprise_id  BLOB NOT NULL REFERENCES enterprises(id),
    note           TEXT,
    pushed_by      BLOB NOT NULL REFERENCES users(id),
    pushed_at      TEXT NOT NULL,
    read_at        TEXT,
    read_by        BLOB REFERENCES users(id)
);
CREATE UNIQUE INDEX uq_policy_pushes ON policy_pushes(item_id, enterprise_id);
CREATE INDEX ix_policy_pushes__enterprise ON policy_pushes(enterprise_id, pushed_at);

CREATE TABLE policy_applications (
    id                   BLOB PRIMARY KEY NOT NULL,
    zone_id              BLOB NOT NULL,
    item_id              BLOB NOT NULL REFERENCES policy_items(id),
    enterprise_id        BLOB NOT NULL REFERENCES enterprises(id),
    status               TEXT NOT NULL CHECK (status IN ('submitted','returned','refused','approved','paid')),
    source               TEXT NOT NULL,
    materials            TEXT NOT NULL DEFAULT '[]',
    note                 TEXT,
    expected_amount_wan  REAL,
    submitted_at         TEXT NOT NULL,
    review_due           TEXT,
    reviewed_at          TEXT,
    reviewed_by          BLOB REFERENCES users(id),
    review_on_time       BOOLEAN,
    review_reason        TEXT,
    paid_amount_wan      REAL,
    paid_on              TEXT,
    paid_by              BLOB REFERENCES users(id),
    created_by           BLOB NOT NULL REFERENCES users(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
-- one application in progress per (item, enterprise); a refused one may be followed by another
CREATE UNIQUE INDEX uq_policy_applications__open ON policy_applications(item_id, enterprise_id)
    WHERE status <> 'refused';
CREATE INDEX ix_policy_applications__zone ON policy_applications(zone_id, status, submitted_at);
CREATE INDEX ix_policy_applications__enterprise ON policy_applications(enterprise_id);

CREATE TABLE policy_application_events (
    id              BLOB PRIMARY KEY NOT NULL,
    application_id  BLOB NOT NULL REFERENCES policy_applications(id),
    at              TEXT NOT NULL,
    actor_id        BLOB REFERENCES users(id),
    actor_name      TEXT NOT NULL,
    action          TEXT NOT NULL,
    note            TEXT
);
CREATE INDEX ix_policy_application_events ON policy_application_events(application_id, at);

-- attachments of policies and of applications (bytes on disk, content-addressed like case attachments)
CREATE TABLE policy_files (
    id              BLOB PRIMARY KEY NOT NULL,
    zone_id         BLOB NOT NULL,
    policy_id       BLOB REFERENCES policies(id),
    application_id  BLOB REFERENCES policy_applications(id),
    material        TEXT,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    uploaded_by     BLOB NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX ix_policy_files__policy ON policy_files(policy_id);
CREATE INDEX ix_policy_files__application ON policy_files(application_id);

CREATE TABLE policy_search (
    id         INTEGER PRIMARY KEY,
    policy_id  BLOB NOT NULL UNIQUE REFERENCES policies(id)
);
CREATE VIRTUAL TABLE policy_fts USING fts5(
    title, meta, body,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
