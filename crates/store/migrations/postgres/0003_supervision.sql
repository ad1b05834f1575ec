-- Supervision: the sweep's marks, supervision orders (督办), the outbox (PostgreSQL).
-- Keep in step with ../sqlite/0003_supervision.sql.

ALTER TABLE cases ADD COLUMN alert TEXT;          -- NULL | 'due_soon' | 'overdue' (set by the sweep)

-- One row per (assignment, kind) the sweep has acted on, so it acts once however often it runs.
CREATE TABLE sweep_marks (
    assignment_id  UUID NOT NULL REFERENCES case_assignments(id),
    kind           TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assignment_id, kind)
);

CREATE TABLE supervision_orders (
    id               UUID PRIMARY KEY NOT NULL,
    zone_id          UUID NOT NULL,
    case_id          UUID NOT NULL REFERENCES cases(id),
    unit_id          UUID NOT NULL REFERENCES org_units(id),
    level            TEXT NOT NULL CHECK (level IN ('general','key','listed')),
    note             TEXT NOT NULL,
    deadline         TIMESTAMPTZ NOT NULL,
    issued_by        UUID NOT NULL REFERENCES users(id),
    issued_at        TIMESTAMPTZ NOT NULL,
    acknowledged_by  UUID REFERENCES users(id),
    acknowledged_at  TIMESTAMPTZ,
    escalated_at     TIMESTAMPTZ
);
CREATE INDEX ix_supervision_orders__case ON supervision_orders(case_id);

CREATE TABLE outbox (
    id               UUID PRIMARY KEY NOT NULL,
    zone_id          UUID NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('sms','webhook','superior')),
    target           TEXT NOT NULL,
    payload          JSONB NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ
);
CREATE INDEX ix_outbox__due ON outbox(state, next_attempt_at);
