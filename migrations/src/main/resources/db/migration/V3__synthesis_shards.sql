-- Bulk synthesis. A synthesize job is planned by one worker (which holds the job's lease), then
-- cut into shards that any worker claims, each with its own lease and attempts, as jobs have; the
-- worker that commits the last shard takes the job's lease again to write the manifest. While the
-- shards run, no worker holds the job: phase 'shards' is the one running state without a lease.
ALTER TABLE jobs DROP CONSTRAINT jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check CHECK (type IN ('train', 'generate', 'likelihood', 'synthesize'));
ALTER TABLE jobs ADD COLUMN phase text CHECK (phase IN ('plan', 'shards', 'finalize'));
-- what the shards run by: the resolved parameters, the filter's threshold, the model's facts
ALTER TABLE jobs ADD COLUMN plan jsonb;
ALTER TABLE jobs ADD CONSTRAINT phase_is_for_synthesis CHECK (phase IS NULL OR type = 'synthesize');
ALTER TABLE jobs DROP CONSTRAINT running_has_lease;
ALTER TABLE jobs ADD CONSTRAINT running_has_lease CHECK (status NOT IN ('running', 'cancelling') OR phase = 'shards'
    OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL));

CREATE TABLE shards (
    job_id        uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    index         integer NOT NULL CHECK (index >= 0),
    status        text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    first_row     bigint NOT NULL CHECK (first_row >= 0),
    rows          integer NOT NULL CHECK (rows > 0),
    attempt       integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts  integer NOT NULL CHECK (max_attempts >= 1),
    lease_owner   text,
    lease_until   timestamptz,
    -- a retried shard waits out its backoff before a worker may take it
    available_at  timestamptz NOT NULL DEFAULT now(),
    rows_done     integer NOT NULL DEFAULT 0,
    -- the committed part: its main file, every file (name, bytes, sha256, key), who made it, what it cost
    object_key    text,
    bytes         bigint,
    sha256        text,
    files         jsonb,
    worker        text,
    stats         jsonb,
    error         jsonb,
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (job_id, index),
    CONSTRAINT running_shard_has_lease CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
    CONSTRAINT succeeded_shard_has_part CHECK (status <> 'succeeded'
        OR (object_key IS NOT NULL AND bytes IS NOT NULL AND sha256 IS NOT NULL AND files IS NOT NULL)),
    CONSTRAINT shard_attempts_bounded CHECK (attempt <= max_attempts)
);
CREATE INDEX shards_leased ON shards (lease_until) WHERE status = 'running';
CREATE INDEX shards_queued ON shards (available_at) WHERE status = 'queued';
