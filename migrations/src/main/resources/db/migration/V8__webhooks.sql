-- Webhooks: a job's own URL (jobs.webhook) and a tenant's endpoints, told of job.succeeded,
-- job.failed, job.cancelled and (opted into) job.progress. A delivery row is written by a trigger in
-- the same transaction as the change it reports, whichever process made it (worker, reaper, cancel),
-- and gateways send the due rows: at least once, retried with backoff, each attempt recorded.
CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY,
    tenant      text NOT NULL,
    url         text NOT NULL CONSTRAINT webhook_url_http CHECK (url ~ '^https?://'),
    events      text[] NOT NULL CONSTRAINT webhook_events_known
                CHECK (events <@ ARRAY['job.succeeded', 'job.failed', 'job.cancelled', 'job.progress']),
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant);

-- signs the deliveries to jobs' own URLs (an endpoint signs with its own secret)
CREATE TABLE tenant_webhook_secrets (
    tenant  text PRIMARY KEY,
    secret  text NOT NULL
);

ALTER TABLE jobs ADD COLUMN webhook text CONSTRAINT job_webhook_http CHECK (webhook ~ '^https?://');

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant           text NOT NULL,
    job_id           uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    endpoint_id      uuid REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    url              text NOT NULL,
    event            text NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CONSTRAINT webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, created_at);

CREATE FUNCTION job_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev text;
    body jsonb;
BEGIN
    IF NEW.status <> OLD.status AND NEW.status IN ('succeeded', 'failed', 'cancelled') THEN
        ev := 'job.' || NEW.status;
    ELSIF NEW.status = 'running' AND NEW.progress IS DISTINCT FROM OLD.progress THEN
        ev := 'job.progress';
    ELSE
        RETURN NULL;
    END IF;
    -- the common case: nobody listens (no job URL, no endpoint of the tenant)
    IF (NEW.webhook IS NULL OR ev = 'job.progress')
            AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant = NEW.tenant AND ev = ANY (e.events)) THEN
        RETURN NULL;
    END IF;
    body := jsonb_build_object('type', ev,
        'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'data', jsonb_build_object('id', NEW.id, 'type', NEW.type, 'status', NEW.status, 'name', NEW.name,
            'metadata', NEW.metadata, 'attempt', NEW.attempt, 'progress', NEW.progress, 'error', NEW.error,
            'result', NEW.result - 'artifacts', 'finished_at', NEW.finished_at));
    IF ev = 'job.progress' THEN
        -- progress is coalesced: an undelivered progress message takes the newest payload
        UPDATE webhook_deliveries SET payload = body
            WHERE job_id = NEW.id AND event = 'job.progress' AND status = 'pending';
        INSERT INTO webhook_deliveries (tenant, job_id, endpoint_id, url, event, payload)
            SELECT NEW.tenant, NEW.id, e.id, e.url, ev, body FROM webhook_endpoints e
            WHERE e.tenant = NEW.tenant AND ev = ANY (e.events)
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.job_id = NEW.id AND d.endpoint_id = e.id
                              AND d.event = 'job.progress' AND d.status = 'pending');
        RETURN NULL;
    END IF;
    IF NEW.webhook IS NOT NULL THEN
        INSERT INTO webhook_deliveries (tenant, job_id, url, event, payload)
            VALUES (NEW.tenant, NEW.id, NEW.webhook, ev, body);
    END IF;
    INSERT INTO webhook_deliveries (tenant, job_id, endpoint_id, url, event, payload)
        SELECT NEW.tenant, NEW.id, e.id, e.url, ev, body FROM webhook_endpoints e
        WHERE e.tenant = NEW.tenant AND ev = ANY (e.events);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_webhooks AFTER UPDATE OF status, progress ON jobs FOR EACH ROW EXECUTE FUNCTION job_webhooks();

-- submit_job as in V6, with the job's webhook URL
DROP FUNCTION submit_job(uuid, text, text, integer, jsonb, text, uuid, text, text, text, bigint, text, jsonb);
CREATE FUNCTION submit_job(p_id uuid, p_tenant text, p_type text, p_max_attempts integer, p_params jsonb,
        p_dataset text, p_model_id uuid, p_idempotency_key text, p_request_hash text, p_topic text,
        p_max_active bigint, p_name text, p_metadata jsonb, p_webhook text)
    RETURNS SETOF jobs LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(p_tenant));
    IF (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE tenant = p_tenant
            AND status IN ('queued', 'running', 'cancelling') LIMIT p_max_active) a) >= p_max_active THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH j AS (INSERT INTO jobs (id, tenant, type, status, max_attempts, params, dataset, model_id, idempotency_key,
                   request_hash, name, metadata, webhook)
               VALUES (p_id, p_tenant, p_type, 'queued', p_max_attempts, p_params, p_dataset, p_model_id,
                   p_idempotency_key, p_request_hash, p_name, coalesce(p_metadata, '{}'::jsonb), p_webhook)
               ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING *),
         e AS (INSERT INTO job_events (job_id, kind, data) SELECT j.id, 'status', '{"status": "queued"}'::jsonb FROM j),
         o AS (INSERT INTO outbox (topic, message_key, payload) SELECT p_topic, j.id::text,
                   jsonb_build_object('job_id', j.id::text, 'type', j.type, 'after_attempt', 0) FROM j)
    SELECT * FROM j;
END
$$;
