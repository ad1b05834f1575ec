-- Supervision: the sweep's marks, supervision orders (督办), the outbox (SQLite).
-- Keep in step with ../postgres/0003_supervision.sql.

ALTER TABLE cases ADD COLUMN alert TEXT;          -- NULL | 'due_soon' | 'overdue' (set by the sweep)

-- One row per (assignment, kind) the sweep has acted on, so it acts once however often it runs.
CREATE TABLE sweep_marks (
    assignment_id  BLOB NOT NULL REFERENCES case_assignments(id),
    kind           TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (assignment_id, kind)
);

CREATE TABLE supervision_orders (
    id               BLOB PRIMARY KEY NOT NULL,
    zone_id          BLOB NOT NULL,
    case_id          BLOB NOT NULL REFERENCES cases(id),
    unit_id          BLOB NOT NULL REFERENCES org_units(id),
    level            TEXT NOT NULL CHECK (level IN ('general','key','listed')),
    note             TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    issued_by        BLOB NOT NULL REFERENCES users(id),
    issued_at        TEXT NOT NULL,
    acknowledged_by  BLOB REFERENCES users(id),
    acknowledged_at  TEXT,
    escalated_at     TEXT
);
CREATE INDEX ix_supervision_orders__case ON supervision_orders(case_id);

CREATE TABLE outbox (
    id               BLOB PRIMARY KEY NOT NULL,
    zone_id          BLOB NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('sms','webhook','superior')),
    target           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX ix_outbox__due ON outbox(state, next_attempt_at);
