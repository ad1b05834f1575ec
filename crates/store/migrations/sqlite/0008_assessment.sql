-- Assessment (考核), warning letters (督办函件) and the dashboard's rollups (SQLite).
-- Keep in step with ../postgres/0008_assessment.sql. See docs/ASSESSMENT.md.

-- 免于考核: a supervisor exempts a case from every unit's assessment
CREATE TABLE case_exemptions (
    case_id     BLOB PRIMARY KEY NOT NULL REFERENCES cases(id),
    zone_id     BLOB NOT NULL,
    reason      TEXT NOT NULL,
    by_id       BLOB NOT NULL REFERENCES users(id),
    at          TEXT NOT NULL
);

-- weights, letter rules, numbering and schedule (JSON, see AssessmentSettings)
CREATE TABLE assessment_settings (
    zone_id     BLOB PRIMARY KEY NOT NULL REFERENCES org_units(id),
    settings    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- ranking snapshots: written once, never updated (the triggers refuse it); a correction is a
-- new snapshot whose `corrects` names the old one
CREATE TABLE assessment_snapshots (
    id                 BLOB PRIMARY KEY NOT NULL,
    zone_id            BLOB NOT NULL REFERENCES org_units(id),
    kind               TEXT NOT NULL CHECK (kind IN ('week','month','quarter','custom')),
    period_from        TEXT NOT NULL,
    period_to          TEXT NOT NULL,
    as_of              TEXT NOT NULL,
    trigger_kind       TEXT NOT NULL CHECK (trigger_kind IN ('scheduled','manual','correction')),
    corrects           BLOB REFERENCES assessment_snapshots(id),
    correction_reason  TEXT,
    weights            TEXT NOT NULL,
    created_by         BLOB REFERENCES users(id),
    created_at         TEXT NOT NULL
);
CREATE INDEX ix_assessment_snapshots__zone ON assessment_snapshots(zone_id, kind, period_to);
CREATE UNIQUE INDEX uq_assessment_snapshots__corrects ON assessment_snapshots(corrects);
CREATE UNIQUE INDEX uq_assessment_snapshots__scheduled ON assessment_snapshots(zone_id, kind, period_from)
    WHERE trigger_kind = 'scheduled';

CREATE TABLE assessment_rows (
    snapshot_id    BLOB NOT NULL REFERENCES assessment_snapshots(id),
    unit_id        BLOB NOT NULL REFERENCES org_units(id),
    unit_name      TEXT NOT NULL,
    unit_kind      TEXT NOT NULL,
    grp            TEXT NOT NULL,
    rank           INTEGER,
    of_count       INTEGER NOT NULL,
    score          REAL,
    previous_rank  INTEGER,
    movement       TEXT,
    tied           BOOLEAN NOT NULL,
    metrics        TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, unit_id)
);

CREATE TRIGGER tr_assessment_snapshots__immutable BEFORE UPDATE ON assessment_snapshots
BEGIN SELECT RAISE(ABORT, 'assessment snapshots are immutable'); END;
CREATE TRIGGER tr_assessment_rows__immutable BEFORE UPDATE ON assessment_rows
BEGIN SELECT RAISE(ABORT, 'assessment snapshots are immutable'); END;

-- 提醒函 / 预警函 / 督办函
CREATE TABLE letter_counters (
    zone_id   BLOB NOT NULL,
    prefix    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (zone_id, prefix, year)
);

CREATE TABLE warning_letters (
    id                BLOB PRIMARY KEY NOT NULL,
    zone_id           BLOB NOT NULL REFERENCES org_units(id),
    snapshot_id       BLOB NOT NULL REFERENCES assessment_snapshots(id),
    unit_id           BLOB NOT NULL REFERENCES org_units(id),
    tier              TEXT NOT NULL CHECK (tier IN ('reminder','warning','supervision')),
    doc_no            TEXT NOT NULL,
    reason            TEXT NOT NULL,
    period_label      TEXT NOT NULL,
    letter            TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    issued_by         BLOB REFERENCES users(id),
    answer_due        TEXT NOT NULL,
    rectify_by        TEXT,
    acknowledged_at   TEXT,
    acknowledged_by   BLOB REFERENCES users(id),
    answer            TEXT,
    answered_at       TEXT,
    answered_by       BLOB REFERENCES users(id),
    escalated_at      TEXT
);
CREATE UNIQUE INDEX uq_warning_letters__doc_no ON warning_letters(zone_id, doc_no);
CREATE UNIQUE INDEX uq_warning_letters__snapshot_unit ON warning_letters(snapshot_id, unit_id);
CREATE INDEX ix_warning_letters__unit ON warning_letters(unit_id, issued_at);
CREATE INDEX ix_warning_letters__due ON warning_letters(zone_id, answered_at, escalated_at, answer_due);

-- the dashboard's rollups, kept in the same transaction as every case change (see
-- docs/ASSESSMENT.md “Rollups”): bucket 'D2026-11-25' (day) or 'M2026-11' (month, Beijing);
-- dim '*' (all), 'c:QY' (top category), 'g:<grid id>' or 'g:-' (no grid)
CREATE TABLE case_rollups (
    zone_id   BLOB NOT NULL,
    bucket    TEXT NOT NULL,
    dim       TEXT NOT NULL,
    received  INTEGER NOT NULL DEFAULT 0,
    closed    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, bucket, dim)
);
-- open cases now, and those of them overdue (the sweep's alert)
CREATE TABLE case_live (
    zone_id  BLOB NOT NULL,
    dim      TEXT NOT NULL,
    open     INTEGER NOT NULL DEFAULT 0,
    overdue  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, dim)
);
CREATE INDEX ix_cases__urgent ON cases(zone_id, urgency, created_at);
