-- Policy library and matching (PostgreSQL). Keep in step with ../sqlite/0007_policies.sql.
-- See docs/POLICIES.md.

-- facts the policy rules and amounts use
ALTER TABLE enterprises ADD COLUMN revenue_last_year_wan double precision;
ALTER TABLE enterprises ADD COLUMN rd_spend_wan double precision;

CREATE TABLE policies (
    id            uuid PRIMARY KEY,
    zone_id       uuid NOT NULL REFERENCES org_units(id),
    title         text NOT NULL,
    issuer        text NOT NULL,
    doc_no        text NOT NULL,
    issued_on     date NOT NULL,
    effective_on  date NOT NULL,
    expires_on    date,
    apply_from    date,
    apply_to      date,
    body          text NOT NULL,
    status        text NOT NULL CHECK (status IN ('draft','published','archived')),
    created_by    uuid NOT NULL REFERENCES users(id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX ix_policies__zone ON policies(zone_id, status, issued_on);
CREATE UNIQUE INDEX uq_policies__doc_no ON policies(zone_id, doc_no);

CREATE TABLE policy_items (
    id            uuid PRIMARY KEY,
    zone_id       uuid NOT NULL,
    policy_id     uuid NOT NULL REFERENCES policies(id),
    seq           bigint NOT NULL,
    title         text NOT NULL,
    summary       text NOT NULL DEFAULT '',
    benefit_type  text NOT NULL,
    amount        jsonb NOT NULL,
    rule          jsonb NOT NULL,
    materials     jsonb NOT NULL DEFAULT '[]',
    dept_id       uuid NOT NULL REFERENCES org_units(id),
    auto_grant    boolean NOT NULL DEFAULT false,
    review_days   bigint NOT NULL DEFAULT 10,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX ix_policy_items__policy ON policy_items(policy_id, seq);
CREATE INDEX ix_policy_items__dept ON policy_items(dept_id);

-- who qualifies for which item now (recomputed; see docs/POLICIES.md)
CREATE TABLE policy_matches (
    item_id        uuid NOT NULL REFERENCES policy_items(id),
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    zone_id        uuid NOT NULL,
    amount_wan     double precision,
    amount_note    text,
    computed_at    timestamptz NOT NULL,
    PRIMARY KEY (item_id, enterprise_id)
);
CREATE INDEX ix_policy_matches__enterprise ON policy_matches(enterprise_id);

CREATE TABLE policy_pushes (
    id             uuid PRIMARY KEY,
    zone_id        uuid NOT NULL,
    item_id        uuid NOT NULL REFERENCES policy_items(id),
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    note           text,
    pushed_by      uuid NOT NULL REFERENCES users(id),
    pushed_at      timestamptz NOT NULL,
    read_at        timestamptz,
    read_by        uuid REFERENCES users(id)
);
CREATE UNIQUE INDEX uq_policy_pushes ON policy_pushes(item_id, enterprise_id);
CREATE INDEX ix_policy_pushes__enterprise ON policy_pushes(enterprise_id, pushed_at);

CREATE TABLE policy_applications (
    id                   uuid PRIMARY KEY,
    zone_id              uuid NOT NULL,
    item_id              uuid NOT NULL REFERENCES policy_items(id),
    enterprise_id        uuid NOT NULL REFERENCES enterprises(id),
    status               text NOT NULL CHECK (status IN ('submitted','returned','refused','approved','paid')),
    source               text NOT NULL,
    materials            jsonb NOT NULL DEFAULT '[]',
    note                 text,
    expected_amount_wan  double precision,
    submitted_at         timestamptz NOT NULL,
    review_due           date,
    reviewed_at          timestamptz,
    reviewed_by          uuid REFERENCES users(id),
    review_on_time       boolean,
    review_reason        text,
    paid_amount_wan      double precision,
    paid_on              date,
    paid_by              uuid REFERENCES users(id),
    created_by           uuid NOT NULL REFERENCES users(id),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
-- one application in progress per (item, enterprise); a refused one may be followed by another
CREATE UNIQUE INDEX uq_policy_applications__open ON policy_applications(item_id, enterprise_id)
    WHERE status <> 'refused';
CREATE INDEX ix_policy_applications__zone ON policy_applications(zone_id, status, submitted_at);
CREATE INDEX ix_policy_applications__enterprise ON policy_applications(enterprise_id);

CREATE TABLE policy_application_events (
    id              uuid PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES policy_applications(id),
    at              timestamptz NOT NULL,
    actor_id        uuid REFERENCES users(id),
    actor_name      text NOT NULL,
    action          text NOT NULL,
    note            text
);
CREATE INDEX ix_policy_application_events ON policy_application_events(application_id, at);

-- attachments of policies and of applications (bytes on disk, content-addressed like case attachments)
CREATE TABLE policy_files (
    id              uuid PRIMARY KEY,
    zone_id         uuid NOT NULL,
    policy_id       uuid REFERENCES policies(id),
    application_id  uuid REFERENCES policy_applications(id),
    material        text,
    file_name       text NOT NULL,
    content_type    text NOT NULL,
    size            bigint NOT NULL,
    sha256          text NOT NULL,
    uploaded_by     uuid NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL
);
CREATE INDEX ix_policy_files__policy ON policy_files(policy_id);
CREATE INDEX ix_policy_files__application ON policy_files(application_id);

CREATE TABLE policy_search (
    policy_id  uuid PRIMARY KEY REFERENCES policies(id),
    zone_id    uuid NOT NULL,
    doc        tsvector NOT NULL
);
CREATE INDEX ix_policy_search__doc ON policy_search USING gin (doc);
