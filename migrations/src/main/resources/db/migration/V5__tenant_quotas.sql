-- Per-tenant quotas set by an admin (PUT /v1/admin/tenants/{t}/quotas). A NULL column, or no row,
-- means the deployment's default (PFGM_QUOTA_* settings), so defaults can change without a migration.
CREATE TABLE tenant_quotas (
    tenant              text PRIMARY KEY,
    active_jobs         integer CONSTRAINT active_jobs_positive CHECK (active_jobs > 0),
    running_jobs        integer CONSTRAINT running_jobs_positive CHECK (running_jobs > 0),
    stored_bytes        bigint CONSTRAINT stored_bytes_not_negative CHECK (stored_bytes >= 0),
    job_gflop           double precision CONSTRAINT job_gflop_positive CHECK (job_gflop > 0),
    job_seconds         integer CONSTRAINT job_seconds_positive CHECK (job_seconds > 0),
    requests_per_minute integer CONSTRAINT requests_per_minute_positive CHECK (requests_per_minute > 0),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- counting a tenant's unfinished jobs (the active and running quotas) reads this index alone
CREATE INDEX jobs_tenant_unfinished ON jobs (tenant, status) WHERE status IN ('queued', 'running', 'cancelling');

-- A submission in one round trip, exact under parallel submissions: the tenant's advisory lock,
-- then (each statement of a function takes a fresh snapshot under READ COMMITTED, so the count
-- sees every submission that held the lock before) the count against the active_jobs quota,
-- stopping at the quota, then the job row, its first event and its outbox message. No row back:
-- the quota is full, or the idempotency key names an existing job (the caller looks it up).
CREATE FUNCTION submit_job(p_id uuid, p_tenant text, p_type text, p_max_attempts integer, p_params jsonb,
        p_dataset text, p_model_id uuid, p_idempotency_key text, p_request_hash text, p_topic text,
        p_max_active bigint)
    RETURNS SETOF jobs LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(p_tenant));
    IF (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE tenant = p_tenant
            AND status IN ('queued', 'running', 'cancelling') LIMIT p_max_active) a) >= p_max_active THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH j AS (INSERT INTO jobs (id, tenant, type, status, max_attempts, params, dataset, model_id, idempotency_key,
                   request_hash)
               VALUES (p_id, p_tenant, p_type, 'queued', p_max_attempts, p_params, p_dataset, p_model_id,
                   p_idempotency_key, p_request_hash)
               ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING *),
         e AS (INSERT INTO job_events (job_id, kind, data) SELECT j.id, 'status', '{"status": "queued"}'::jsonb FROM j),
         o AS (INSERT INTO outbox (topic, message_key, payload) SELECT p_topic, j.id::text,
                   jsonb_build_object('job_id', j.id::text, 'type', j.type, 'after_attempt', 0) FROM j)
    SELECT * FROM j;
END
$$;
