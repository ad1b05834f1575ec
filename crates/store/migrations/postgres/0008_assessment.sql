-- Assessment (考核), warning letters (督办函件) and the dashboard's rollups (PostgreSQL).
-- Keep in step with ../sqlite/0008_assessment.sql. See docs/ASSESSMENT.md.

CREATE TABLE case_exemptions (
    case_id     uuid PRIMARY KEY REFERENCES cases(id),
    zone_id     uuid NOT NULL,
    reason      text NOT NULL,
    by_id       uuid NOT NULL REFERENCES users(id),
    at          timestamptz NOT NULL
);

CREATE TABLE assessment_settings (
    zone_id     uuid PRIMARY KEY REFERENCES org_units(id),
    settings    jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE assessment_snapshots (
    id                 uuid PRIMARY KEY,
    zone_id            uuid NOT NULL REFERENCES org_units(id),
    kind               text NOT NULL CHECK (kind IN ('week','month','quarter','custom')),
    period_from        date NOT NULL,
    period_to          date NOT NULL,
    as_of              timestamptz NOT NULL,
    trigger_kind       text NOT NULL CHECK (trigger_kind IN ('scheduled','manual','correction')),
    corrects           uuid REFERENCES assessment_snapshots(id),
    correction_reason  text,
    weights            jsonb NOT NULL,
    created_by         uuid REFERENCES users(id),
    created_at         timestamptz NOT NULL
);
CREATE INDEX ix_assessment_snapshots__zone ON assessment_snapshots(zone_id, kind, period_to);
CREATE UNIQUE INDEX uq_assessment_snapshots__corrects ON assessment_snapshots(corrects);
CREATE UNIQUE INDEX uq_assessment_snapshots__scheduled ON assessment_snapshots(zone_id, kind, period_from)
    WHERE trigger_kind = 'scheduled';

CREATE TABLE assessment_rows (
    snapshot_id    uuid NOT NULL REFERENCES assessment_snapshots(id),
    unit_id        uuid NOT NULL REFERENCES org_units(id),
    unit_name      text NOT NULL,
    unit_kind      text NOT NULL,
    grp            text NOT NULL,
    rank           bigint,
    of_count       bigint NOT NULL,
    score          double precision,
    previous_rank  bigint,
    movement       text,
    tied           boolean NOT NULL,
    metrics        text NOT NULL,
    PRIMARY KEY (snapshot_id, unit_id)
);

CREATE FUNCTION jiban_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment snapshots are immutable';
END $$;
CREATE TRIGGER tr_assessment_snapshots__immutable BEFORE UPDATE ON assessment_snapshots
    FOR EACH ROW EXECUTE FUNCTION jiban_refuse_update();
CREATE TRIGGER tr_assessment_rows__immutable BEFORE UPDATE ON assessment_rows
    FOR EACH ROW EXECUTE FUNCTION jiban_refuse_update();

CREATE TABLE letter_counters (
    zone_id   uuid NOT NULL,
    prefix    text NOT NULL,
    year      bigint NOT NULL,
    last_seq  bigint NOT NULL,
    PRIMARY KEY (zone_id, prefix, year)
);

CREATE TABLE warning_letters (
    id                uuid PRIMARY KEY,
    zone_id           uuid NOT NULL REFERENCES org_units(id),
    snapshot_id       uuid NOT NULL REFERENCES assessment_snapshots(id),
    unit_id           uuid NOT NULL REFERENCES org_units(id),
    tier              text NOT NULL CHECK (tier IN ('reminder','warning','supervision')),
    doc_no            text NOT NULL,
    reason            text NOT NULL,
    period_label      text NOT NULL,
    letter            text NOT NULL,
    issued_at         timestamptz NOT NULL,
    issued_by         uuid REFERENCES users(id),
    answer_due        timestamptz NOT NULL,
    rectify_by        date,
    acknowledged_at   timestamptz,
    acknowledged_by   uuid REFERENCES users(id),
    answer            text,
    answered_at       timestamptz,
    answered_by       uuid REFERENCES users(id),
    escalated_at      timestamptz
);
CREATE UNIQUE INDEX uq_warning_letters__doc_no ON warning_letters(zone_id, doc_no);
CREATE UNIQUE INDEX uq_warning_letters__snapshot_unit ON warning_letters(snapshot_id, unit_id);
CREATE INDEX ix_warning_letters__unit ON warning_letters(unit_id, issued_at);
CREATE INDEX ix_warning_letters__due ON warning_letters(zone_id, answered_at, escalated_at, answer_due);

CREATE TABLE case_rollups (
    zone_id   uuid NOT NULL,
    bucket    text NOT NULL,
    dim       text NOT NULL,
    received  bigint NOT NULL DEFAULT 0,
    closed    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, bucket, dim)
);
CREATE TABLE case_live (
    zone_id  uuid NOT NULL,
    dim      text NOT NULL,
    open     bigint NOT NULL DEFAULT 0,
    overdue  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (zone_id, dim)
);
CREATE INDEX ix_cases__urgent ON cases(zone_id, urgency, created_at);
