-- submit_job: the quota check, the job row, its first event and its outbox message in one call.
-- Defined here and only here from now on: a repeatable migration, which Flyway runs again (after
-- the versioned ones) whenever this file changes, so a change edits this body instead of copying
-- it into a new version (V5, V6, V8 and V11 hold its history and stay as they are).
-- As in V11, except that the unfinished statuses are written in the quota count again instead of
-- coming as a parameter: with a parameter the planner cannot prove that the partial index
-- jobs_tenant_unfinished (V5) covers the rows, and each call cost a third more
-- (infra/bench/submit-job-sql.sh, docs/benchmarks.md). The list must equal JobStatus.UNFINISHED
-- and the index's predicate; JobStoreTest checks both against it. A job naming a model or an
-- uploaded dataset holds its row (KEY SHARE) until the job is written. p_labels_key is the uploaded
-- dataset's labels file as the gateway's checks read it (null: none).
DROP FUNCTION IF EXISTS submit_job(uuid, text, text, integer, jsonb, text, uuid, text, text, text, bigint, text, jsonb,
        text, jsonb, text[]);
DROP FUNCTION IF EXISTS submit_job(uuid, text, text, integer, jsonb, text, uuid, text, text, text, bigint, text, jsonb,
        text, jsonb);
CREATE OR REPLACE FUNCTION submit_job(p_id uuid, p_tenant text, p_type text, p_max_attempts integer, p_params jsonb,
        p_dataset text, p_model_id uuid, p_idempotency_key text, p_request_hash text, p_topic text,
        p_max_active bigint, p_name text, p_metadata jsonb, p_webhook text, p_message jsonb, p_labels_key text)
    RETURNS SETOF jobs LANGUAGE plpgsql AS $$
DECLARE
    v_labels_key text;
    v_field text;
    v_ref text;
    -- an uploaded dataset's or a job's id (builtin:NAME and other references have no row to hold)
    c_uuid CONSTANT text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
BEGIN
    PERFORM pg_advisory_xact_lock(1, hashtext(p_tenant));
    IF (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE tenant = p_tenant
            AND status IN ('queued', 'running', 'cancelling') LIMIT p_max_active) a) >= p_max_active THEN
        RETURN;
    END IF;
    -- the job's model is held while the job is written: a delete waits for this call and then finds
    -- the job (ModelStore.delete); a model deleted first refuses the job, which otherwise was
    -- accepted and then failed on the worker ("no longer exists")
    IF p_model_id IS NOT NULL THEN
        PERFORM 1 FROM models WHERE id = p_model_id AND tenant = p_tenant FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'model % does not exist', p_model_id USING ERRCODE = 'PFG01';
        END IF;
    END IF;
    -- likewise the dataset it names (an uploaded one; builtin:NAME has no row), for DatasetStore.delete
    IF p_dataset ~ c_uuid THEN
        SELECT labels_key INTO v_labels_key FROM datasets WHERE id = p_dataset::uuid AND tenant = p_tenant
            FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'dataset % does not exist', p_dataset USING ERRCODE = 'PFG02';
        END IF;
        -- labels posted between the gateway's checks and this call (DatasetStore.setLabels held the row
        -- and this read waited for it) would be what the job trains on, unchecked; a replayed
        -- idempotency key still finds its job. Two IFs: the outer one, with no subquery, is the one
        -- every call evaluates (with the subquery in it each call cost about 10 us more)
        IF v_labels_key IS DISTINCT FROM p_labels_key THEN
            IF NOT EXISTS (SELECT 1 FROM jobs WHERE tenant = p_tenant AND idempotency_key = p_idempotency_key) THEN
                RAISE EXCEPTION 'dataset % has other labels', p_dataset USING ERRCODE = 'PFG03';
            END IF;
        END IF;
    END IF;
    -- and the datasets and the classifier job its params name (an eval's training images, a synthesis
    -- report's held-out rows, either's classifier): a delete between the gateway's checks and this
    -- call went through, and the job failed on its worker after all its work
    FOREACH v_field IN ARRAY ARRAY['train', 'held_out'] LOOP
        v_ref := p_params ->> v_field;
        IF v_ref ~ c_uuid THEN
            PERFORM 1 FROM datasets WHERE id = v_ref::uuid AND tenant = p_tenant FOR KEY SHARE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'dataset % does not exist', v_ref
                    USING ERRCODE = CASE v_field WHEN 'train' THEN 'PFG04' ELSE 'PFG05' END;
            END IF;
        END IF;
    END LOOP;
    v_ref := p_params ->> 'classifier';
    IF v_ref ~ c_uuid THEN
        PERFORM 1 FROM jobs WHERE id = v_ref::uuid AND tenant = p_tenant FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'job % does not exist', v_ref USING ERRCODE = 'PFG06';
        END IF;
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
