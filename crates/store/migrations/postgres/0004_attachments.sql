-- Attachments of cases (PostgreSQL). Keep in step with ../sqlite/0004_attachments.sql.
-- Files live on disk, content-addressed by sha256 under <data_dir>/attachments; rows point at them.
CREATE TABLE case_attachments (
    id            UUID PRIMARY KEY NOT NULL,
    zone_id       UUID NOT NULL,
    case_id       UUID NOT NULL REFERENCES cases(id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    has_thumb     BOOLEAN NOT NULL DEFAULT FALSE,
    note          TEXT,
    uploaded_by   UUID NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_case_attachments__case ON case_attachments(case_id);
