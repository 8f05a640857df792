-- A job's name and metadata, the caller's own labels (OpenAI Batch's metadata, a Replicate prediction's
-- name): shown on the job and usable as list filters (name exactly; metadata as key/value pairs the
-- job's metadata contains).
ALTER TABLE jobs
    ADD COLUMN name text CONSTRAINT job_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT job_metadata_object CHECK (jsonb_typeof(metadata) = 'object');

CREATE INDEX jobs_by_tenant_name ON jobs (tenant, name, created_at DESC, id DESC) WHERE name IS NOT NULL;
CREATE INDEX jobs_metadata ON jobs USING gin (metadata jsonb_path_ops);

-- submit_job as in V5, with the name and metadata
DROP FUNCTION submit_job(uuid, text, text, integer, jsonb, text, uuid, text, text, text, bigint);
CREATE FUNCTION submit_job(p_id uuid, p_tenant text, p_type text, p_max_attempts integer, p_params jsonb,
        p_dataset text, p_model_id uuid, p_idempotency_key text, p_request_hash text, p_topic text,
        p_max_active bigint, p_name text, p_metadata jsonb)
    RETURNS SETOF jobs LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(p_tenant));
    IF (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE tenant = p_tenant
            AND status IN ('queued', 'running', 'cancelling') LIMIT p_max_active) a) >= p_max_active THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH j AS (INSERT INTO jobs (id, tenant, type, status, max_attempts, params, dataset, model_id, idempotency_key,
                   request_hash, name, metadata)
               VALUES (p_id, p_tenant, p_type, 'queued', p_max_attempts, p_params, p_dataset, p_model_id,
                   p_idempotency_key, p_request_hash, p_name, coalesce(p_metadata, '{}'::jsonb))
               ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING *),
         e AS (INSERT INTO job_events (job_id, kind, data) SELECT j.id, 'status', '{"status": "queued"}'::jsonb FROM j),
         o AS (INSERT INTO outbox (topic, message_key, payload) SELECT p_topic, j.id::text,
                   jsonb_build_object('job_id', j.id::text, 'type', j.type, 'after_attempt', 0) FROM j)
    SELECT * FROM j;
END
$$;
