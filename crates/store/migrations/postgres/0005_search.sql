-- Full-text search and smart dispatch (PostgreSQL). Keep in step with ../sqlite/0005_search.sql.
--
-- jieba tokens go in as a tsvector literal built by the store (positions and weights included),
-- never through a text-search parser: PostgreSQL's parser does not segment Chinese, and no
-- zhparser/pg_jieba is packaged here. Written in the same transaction as the row they index.

CREATE TABLE case_search (
    case_id  uuid PRIMARY KEY REFERENCES cases(id),
    zone_id  uuid NOT NULL,
    doc      tsvector NOT NULL
);
CREATE INDEX ix_case_search__doc ON case_search USING gin (doc);

CREATE TABLE enterprise_search (
    enterprise_id  uuid PRIMARY KEY REFERENCES enterprises(id),
    zone_id        uuid NOT NULL,
    doc            tsvector NOT NULL
);
CREATE INDEX ix_enterprise_search__doc ON enterprise_search USING gin (doc);

CREATE INDEX ix_cases__phone ON cases(zone_id, person_phone);

CREATE TABLE routing_rules (
    zone_id        uuid NOT NULL REFERENCES org_units(id),
    category_code  text NOT NULL,
    lead_unit_id   uuid REFERENCES org_units(id),
    territorial    boolean NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (zone_id, category_code)
);

CREATE TABLE routing_feedback (
    id                  uuid PRIMARY KEY,
    zone_id             uuid NOT NULL,
    case_id             uuid NOT NULL REFERENCES cases(id),
    at                  timestamptz NOT NULL,
    actor_id            uuid REFERENCES users(id),
    model_version       text NOT NULL,
    suggested_category  text,
    confidence          double precision,
    suggested_unit_id   uuid,
    chosen_category     text NOT NULL,
    chosen_unit_id      uuid,
    category_accepted   boolean NOT NULL,
    unit_accepted       boolean NOT NULL
);
CREATE INDEX ix_routing_feedback__zone ON routing_feedback(zone_id, at);

CREATE TABLE routing_models (
    zone_id         uuid PRIMARY KEY,
    version         text NOT NULL,
    trained_at      timestamptz NOT NULL,
    documents       integer NOT NULL,
    zone_documents  integer NOT NULL,
    model           text NOT NULL
);

CREATE TABLE duplicate_candidates (
    id          uuid PRIMARY KEY,
    zone_id     uuid NOT NULL,
    case_id     uuid NOT NULL REFERENCES cases(id),
    other_id    uuid NOT NULL REFERENCES cases(id),
    score       double precision NOT NULL,
    reason      text NOT NULL,
    found_at    timestamptz NOT NULL,
    state       text NOT NULL CHECK (state IN ('open','merged','dismissed')),
    decided_by  uuid REFERENCES users(id),
    decided_at  timestamptz
);
CREATE UNIQUE INDEX uq_duplicate_candidates__pair ON duplicate_candidates(case_id, other_id);
CREATE INDEX ix_duplicate_candidates__zone ON duplicate_candidates(zone_id, state, score);
