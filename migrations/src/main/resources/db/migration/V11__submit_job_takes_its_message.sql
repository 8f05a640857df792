-- submit_job as in V8, except that what it wrote from its own knowledge now comes from the
-- caller: the outbox message (JobMessage builds it, the one place that does) and the statuses of
-- an unfinished job (JobStatus.UNFINISHED), so the database holds no second copy of either.
DROP FUNCTION submit_job(uuid, text, text, integer, jsonb, text, uuid, text, text, text, bigint, text, jsonb, text);
CREATE FUNCTION submit_job(p_id uuid, p_tenant text, p_type text, p_max_attempts integer, p_params jsonb,
        p_dataset text, p_model_id uuid, p_idempotency_key text, p_request_hash text, p_topic text,
        p_max_active bigint, p_name text, p_metadata jsonb, p_webhook text, p_message jsonb, p_unfinished text[])
    RETURNS SETOF jobs LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(p_tenant));
    IF (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE tenant = p_tenant
            AND status = ANY (p_unfinished) LIMIT p_max_active) a) >= p_max_active THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH j AS (INSERT INTO jobs (id, tenant, type, status, max_attempts, params, dataset, model_id, idempotency_key,
                   request_hash, name, metadata, webhook)
               VALUES (p_id, p_tenant, p_type, 'queued', p_max_attempts, p_params, p_dataset, p_model_id,
                   p_idempotency_key, p_request_hash, p_name, coalesce(p_metadata, '{}'::jsonb), p_webhook)
               ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING *),
         e AS (INSERT INTO job_events (job_id, kind, data) SELECT j.id, 'status', '{"status": "queued"}'::jsonb FROM j),
         o AS (INSERT INTO outbox (topic, message_key, payload) SELECT p_topic, j.id::text, p_message FROM j)
    SELECT * FROM j;
END
$$;
