-- Invariants the job state machine (JobTransition) keeps, checked by the database too, and a
-- record of every failed attempt instead of only the last one.

-- Rows written before these checks are brought in line first, so that the constraints hold for all.
UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE status = 'queued';
UPDATE jobs SET error = jsonb_build_object('code', 'unknown', 'message', 'failed before errors were recorded')
    WHERE status = 'failed' AND error IS NULL;

ALTER TABLE jobs ADD CONSTRAINT queued_has_no_lease
    CHECK (status <> 'queued' OR (lease_owner IS NULL AND lease_until IS NULL));
ALTER TABLE jobs ADD CONSTRAINT failed_has_error CHECK (status <> 'failed' OR error IS NOT NULL);

-- One entry per failed attempt, oldest first: {attempt, at, code, message, retryable}.
ALTER TABLE jobs ADD COLUMN errors jsonb NOT NULL DEFAULT '[]'
    CONSTRAINT errors_is_a_list CHECK (jsonb_typeof(errors) = 'array');
UPDATE jobs SET errors = jsonb_build_array(error || jsonb_build_object('attempt', attempt)) WHERE error IS NOT NULL;
