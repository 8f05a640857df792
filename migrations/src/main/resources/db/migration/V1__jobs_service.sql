-- The job service's tables. Every job transition is one guarded UPDATE (WHERE status = ...), so
-- the CHECK constraints here are the last line of defence, not the mechanism.

CREATE TABLE api_keys (
    prefix      text PRIMARY KEY,              -- first characters of the key: shown, used to revoke
    key_hash    text NOT NULL UNIQUE,          -- SHA-256 of the whole key; the key itself is never stored
    tenant      text NOT NULL CHECK (tenant ~ '^[A-Za-z0-9._-]{1,64}$'),
    admin       boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE datasets (
    id          uuid PRIMARY KEY,
    tenant      text NOT NULL,
    name        text NOT NULL,
    format      text NOT NULL CHECK (format IN ('npy', 'csv')),
    count       integer NOT NULL CHECK (count > 0),
    dim         integer NOT NULL CHECK (dim > 0),
    bytes       bigint NOT NULL CHECK (bytes > 0),
    sha256      text NOT NULL,
    object_key  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_by_tenant ON datasets (tenant, created_at DESC, id DESC);

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    tenant          text NOT NULL,
    type            text NOT NULL CHECK (type IN ('train', 'generate', 'likelihood')),
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')),
    attempt         integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts    integer NOT NULL CHECK (max_attempts >= 1),
    lease_owner     text,
    lease_until     timestamptz,
    progress        jsonb NOT NULL DEFAULT '{}',
    params          jsonb NOT NULL,
    dataset         text,                      -- dataset id or builtin:NAME
    model_id        uuid,
    result          jsonb,
    error           jsonb,
    version         bigint NOT NULL DEFAULT 1,
    idempotency_key text,
    request_hash    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    CONSTRAINT terminal_has_finish CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
    CONSTRAINT succeeded_has_result CHECK (status <> 'succeeded' OR result IS NOT NULL),
    CONSTRAINT running_has_lease CHECK (status NOT IN ('running', 'cancelling') OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
    CONSTRAINT attempts_bounded CHECK (attempt <= max_attempts),
    CONSTRAINT idempotency_unique UNIQUE (tenant, idempotency_key)
);
CREATE INDEX jobs_by_tenant ON jobs (tenant, created_at DESC, id DESC);
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status IN ('running', 'cancelling');

CREATE TABLE job_events (
    seq         bigserial PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('status', 'progress', 'log', 'metric')),
    data        jsonb NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_events_by_job ON job_events (job_id, seq);

CREATE TABLE models (
    id          uuid PRIMARY KEY,
    tenant      text NOT NULL,
    job_id      uuid NOT NULL UNIQUE REFERENCES jobs (id),
    dataset     text NOT NULL,
    dim         integer NOT NULL CHECK (dim > 0),
    settings    jsonb NOT NULL,
    metrics     jsonb NOT NULL,
    object_key  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX models_by_tenant ON models (tenant, created_at DESC, id DESC);

-- Transactional outbox: written in the same transaction as the job change it announces; a relay
-- publishes rows whose time has come and stamps sent_at.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    topic         text NOT NULL,
    message_key   text NOT NULL,
    payload       jsonb NOT NULL,
    available_at  timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX outbox_unsent ON outbox (available_at, id) WHERE sent_at IS NULL;
