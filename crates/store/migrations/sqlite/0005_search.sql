-- Full-text search and smart dispatch (SQLite). Keep in step with ../postgres/0005_search.sql.
--
-- The search tables hold jieba tokens (space separated) that the store writes in the same
-- transaction as the row they index; FTS5 is contentless (the text lives in its own table) and
-- keyed by the integer id of a small map table, because the rowid of a table with a BLOB primary
-- key may change on VACUUM.

CREATE TABLE case_search (
    id       INTEGER PRIMARY KEY,
    case_id  BLOB NOT NULL UNIQUE REFERENCES cases(id)
);
CREATE VIRTUAL TABLE case_fts USING fts5(
    title, body, replies,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE enterprise_search (
    id             INTEGER PRIMARY KEY,
    enterprise_id  BLOB NOT NULL UNIQUE REFERENCES enterprises(id)
);
CREATE VIRTUAL TABLE enterprise_fts USING fts5(
    name, former, address,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);

-- phone numbers are searched exactly
CREATE INDEX ix_cases__phone ON cases(zone_id, person_phone);

-- category → lead unit; territorial categories go to the street of the grid first (先属地后属主)
CREATE TABLE routing_rules (
    zone_id        BLOB NOT NULL REFERENCES org_units(id),
    category_code  TEXT NOT NULL,
    lead_unit_id   BLOB REFERENCES org_units(id),
    territorial    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (zone_id, category_code)
);

-- what the model suggested at dispatch and what the dispatcher chose
CREATE TABLE routing_feedback (
    id                  BLOB PRIMARY KEY NOT NULL,
    zone_id             BLOB NOT NULL,
    case_id             BLOB NOT NULL REFERENCES cases(id),
    at                  TEXT NOT NULL,
    actor_id            BLOB REFERENCES users(id),
    model_version       TEXT NOT NULL,
    suggested_category  TEXT,
    confidence          REAL,
    suggested_unit_id   BLOB,
    chosen_category     TEXT NOT NULL,
    chosen_unit_id      BLOB,
    category_accepted   BOOLEAN NOT NULL,
    unit_accepted       BOOLEAN NOT NULL
);
CREATE INDEX ix_routing_feedback__zone ON routing_feedback(zone_id, at);

-- the trained model of each zone (JSON), replaced by each training run
CREATE TABLE routing_models (
    zone_id         BLOB PRIMARY KEY NOT NULL,
    version         TEXT NOT NULL,
    trained_at      TEXT NOT NULL,
    documents       INTEGER NOT NULL,
    zone_documents  INTEGER NOT NULL,
    model           TEXT NOT NULL
);

-- likely duplicates among open cases: case_id is the newer case, other_id the older one
CREATE TABLE duplicate_candidates (
    id          BLOB PRIMARY KEY NOT NULL,
    zone_id     BLOB NOT NULL,
    case_id     BLOB NOT NULL REFERENCES cases(id),
    other_id    BLOB NOT NULL REFERENCES cases(id),
    score       REAL NOT NULL,
    reason      TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open','merged','dismissed')),
    decided_by  BLOB REFERENCES users(id),
    decided_at  TEXT
);
CREATE UNIQUE INDEX uq_duplicate_candidates__pair ON duplicate_candidates(case_id, other_id);
CREATE INDEX ix_duplicate_candidates__zone ON duplicate_candidates(zone_id, state, score);
