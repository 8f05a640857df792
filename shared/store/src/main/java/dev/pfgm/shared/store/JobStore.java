package dev.pfgm.shared.store;

import static dev.pfgm.shared.job.JobTransition.ASK_TO_STOP;
import static dev.pfgm.shared.job.JobTransition.CANCEL_QUEUED;
import static dev.pfgm.shared.job.JobTransition.CLAIM;
import static dev.pfgm.shared.job.JobTransition.FAIL;
import static dev.pfgm.shared.job.JobTransition.RETRY;
import static dev.pfgm.shared.job.JobTransition.STOPPED;
import static dev.pfgm.shared.job.JobTransition.SUCCEED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.job.JobMessage;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobTransition;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.job.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Jobs in PostgreSQL. Every status change is one UPDATE guarded by the statuses it may leave (and,
 * for a worker, by its lease and attempt), so a duplicate delivery or a second worker finds no row
 * to change. Each change writes its job event, and any Kafka message it implies goes to the outbox,
 * in the same transaction.
 */
public final class JobStore {
    private final Database db;
    /** Running jobs a tenant may have when its quota row does not say (PFGM_QUOTA_RUNNING_JOBS). */
    private final long defaultRunningJobs;
    /** A job held back by its tenant's running quota is offered again after this long. */
    private static final int QUOTA_RETRY_SECONDS = 5;
    /** {@code status IN (...)} for the jobs a worker holds, and for those that have ended. */
    static final String ACTIVE_SQL = JobTransition.statusIn(JobStatus.ACTIVE);
    static final String TERMINAL_SQL = JobTransition.statusIn(JobStatus.TERMINAL);
    /**
     * Sets a failed attempt's error and appends it, with the attempt and the time, to the job's list
     * of errors. Two parameters, both the error.
     */
    static final String SET_ERROR = " error = ?::jsonb, errors = errors || jsonb_build_array(?::jsonb"
            + " || jsonb_build_object('attempt', attempt, 'at', now()))";
    static final String UNFINISHED_SQL = JobTransition.statusIn(JobStatus.UNFINISHED);

    public JobStore(Database db) {
        this(db, Long.MAX_VALUE);
    }

    public JobStore(Database db, long defaultRunningJobs) {
        this.db = db;
        this.defaultRunningJobs = defaultRunningJobs;
    }

    /**
     * What a submission asks for; {@code maxActive}: the tenant's quota of unfinished jobs;
     * {@code labelsKey}: the uploaded dataset's labels file the submission was checked against (null:
     * none), which must still be the dataset's when the job is written.
     */
    public record NewJob(String tenant, JobType type, JsonNode params, String dataset, UUID modelId,
            int maxAttempts, String idempotencyKey, String requestHash, long maxActive, String name, JsonNode metadata,
            String webhook, String labelsKey) {
        /** A job without a name, metadata, webhook or labels file. */
        public NewJob(String tenant, JobType type, JsonNode params, String dataset, UUID modelId, int maxAttempts,
                String idempotencyKey, String requestHash, long maxActive) {
            this(tenant, type, params, dataset, modelId, maxAttempts, idempotencyKey, requestHash, maxActive, null, null,
                    null, null);
        }
    }

    /**
     * The outcome of a submission: a new job, the job an idempotency key already named, a clash,
     * or nothing because the tenant already has {@code maxActive} unfinished jobs. {@code missing}:
     * "/model" or "/dataset" when what the job names was deleted before the job could be written
     * (nothing was); null otherwise. {@code labelsChanged}: the dataset's labels were replaced after
     * the submission was checked (nothing was written).
     */
    public record Submitted(JobRecord job, boolean created, boolean keyReusedWithOtherBody, boolean overQuota,
            String missing, boolean labelsChanged) {
    }

    /** Serialises a tenant's quota checks with its inserts and claims (transaction-scoped; namespace 1). */
    private static void lockTenant(Connection c, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(1, hashtext(?))")) {
            ps.setString(1, tenant);
            ps.executeQuery().close();
        }
    }

    /**
     * The quota check, the job row, its first event and its outbox message in one call of the
     * database function submit_job (migrations/.../R__submit_job.sql): atomic, exact under parallel submissions, and one
     * round trip, as the API's hot path needs. Its quota count spells the unfinished statuses out, as
     * the partial index it must use does; JobStoreTest holds both to {@link JobStatus#UNFINISHED}.
     */
    private static final String SUBMIT = "SELECT " + JobRecord.COLUMNS
            + " FROM submit_job(?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)";

    /** What submit_job raises when the job's model, or its uploaded dataset, is gone, or has other labels. */
    private static final String MODEL_GONE = "PFG01";
    private static final String DATASET_GONE = "PFG02";
    private static final String LABELS_CHANGED = "PFG03";
    /** ... or a dataset or classifier job its params name: the field, by the code submit_job raises. */
    private static final java.util.Map<String, String> PARAM_GONE = java.util.Map.of("PFG04", "/params/train",
            "PFG05", "/params/held_out", "PFG06", "/params/classifier");

    public Submitted submit(NewJob j) {
        return db.run(c -> {
            JobRecord row;
            try (PreparedStatement ps = c.prepareStatement(SUBMIT)) {
                UUID id = UUID.randomUUID();
                ps.setObject(1, id);
                ps.setString(2, j.tenant());
                ps.setString(3, j.type().wireName());
                ps.setInt(4, j.maxAttempts());
                ps.setString(5, Json.write(j.params()));
                ps.setString(6, j.dataset());
                ps.setObject(7, j.modelId());
                ps.setString(8, j.idempotencyKey());
                ps.setString(9, j.requestHash());
                ps.setString(10, j.type().topic());
                ps.setLong(11, j.maxActive());
                ps.setString(12, j.name());
                ps.setString(13, j.metadata() == null ? null : Json.write(j.metadata()));
                ps.setString(14, j.webhook());
                ps.setString(15, Json.write(JobMessage.of(id, j.type(), 0).toJson()));
                ps.setString(16, j.labelsKey());
                row = one(ps);
            } catch (SQLException e) {
                if (MODEL_GONE.equals(e.getSQLState()) || DATASET_GONE.equals(e.getSQLState())) {
                    return new Submitted(null, false, false, false,
                            MODEL_GONE.equals(e.getSQLState()) ? "/model" : "/dataset", false);
                }
                if (PARAM_GONE.containsKey(e.getSQLState())) {
                    return new Submitted(null, false, false, false, PARAM_GONE.get(e.getSQLState()), false);
                }
                if (LABELS_CHANGED.equals(e.getSQLState())) {
                    return new Submitted(null, false, false, false, null, true);
                }
                throw e;
            }
            if (row != null) {
                return new Submitted(row, true, false, false, null, false);
            }
            if (j.idempotencyKey() == null) {
                return new Submitted(null, false, false, true, null, false);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRecord.COLUMNS
                    + ", request_hash FROM jobs WHERE tenant = ? AND idempotency_key = ?")) {
                ps.setString(1, j.tenant());
                ps.setString(2, j.idempotencyKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Submitted(null, false, false, true, null, false); // no clash: the quota held it back
                    }
                    JobRecord existing = JobRecord.read(rs);
                    return new Submitted(existing, false, !j.requestHash().equals(rs.getString("request_hash")), false,
                            null, false);
                }
            }
        });
    }

    public Optional<JobRecord> get(String tenant, UUID id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRecord.COLUMNS
                    + " FROM jobs WHERE id = ? AND tenant = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                return Optional.ofNullable(one(ps));
            }
        });
    }

    /** A job by id alone, for workers (a shard knows its job, not its tenant). Null when there is none. */
    public JobRecord find(UUID id) {
        return db.run(c -> update(c, "SELECT " + JobRecord.COLUMNS + " FROM jobs WHERE id = ?", id));
    }

    /** Which jobs a list shows: any of these left null matches every job. */
    public record Filter(JobStatus status, JobType type, String name, JsonNode metadata) {
        public static final Filter ALL = new Filter(null, null, null, null);
    }

    /**
     * Newest first; {@code after} is the id of the last job of the previous page. The metadata
     * filter matches jobs whose metadata contains every given pair (its GIN index serves it).
     */
    public List<JobRecord> list(String tenant, Filter f, int limit, UUID after) {
        StringBuilder sql = new StringBuilder("SELECT " + JobRecord.COLUMNS + " FROM jobs WHERE tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status().wireName());
        }
        if (f.type() != null) {
            sql.append(" AND type = ?");
            args.add(f.type().wireName());
        }
        if (f.name() != null) {
            sql.append(" AND name = ?");
            args.add(f.name());
        }
        if (f.metadata() != null && f.metadata().size() > 0) {
            sql.append(" AND metadata @> ?::jsonb");
            args.add(Json.write(f.metadata()));
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = ? AND tenant = ?)");
            args.add(after);
            args.add(tenant);
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit);
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<JobRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(JobRecord.read(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Cancels: a queued job at once, a running one by asking its worker (cancelling). Terminal and
     * already-cancelling jobs are left as they are. Empty when the tenant has no such job.
     */
    public Optional<JobRecord> cancel(String tenant, UUID id) {
        return db.inTransaction(c -> {
            JobRecord r = update(c, "UPDATE jobs SET " + CANCEL_QUEUED.set() + ", finished_at = now(),"
                    + " version = version + 1, progress = progress || '{\"message\": \"cancelled before it started\"}'::jsonb"
                    + " WHERE id = ? AND tenant = ? AND " + CANCEL_QUEUED.guard() + " RETURNING " + JobRecord.COLUMNS, id, tenant);
            if (r == null) {
                r = update(c, "UPDATE jobs SET " + ASK_TO_STOP.set() + ", version = version + 1"
                        + " WHERE id = ? AND tenant = ? AND " + ASK_TO_STOP.guard() + " RETURNING " + JobRecord.COLUMNS, id, tenant);
            }
            if (r != null) {
                event(c, id, "status", Json.object().put("status", r.status().wireName()));
                if (JobRecord.SHARDS.equals(r.phase())) {
                    // no worker holds a sharded job: its queued shards go now, and it ends when no shard runs
                    ShardStore.settleStoppedJob(c, new ShardStore.JobLock(id, r.status(), r.phase(), r.attempt()));
                    r = update(c, "SELECT " + JobRecord.COLUMNS + " FROM jobs WHERE id = ?", id);
                }
                return Optional.of(r);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRecord.COLUMNS
                    + " FROM jobs WHERE id = ? AND tenant = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                return Optional.ofNullable(one(ps));
            }
        });
    }

    /** A job event as stored. */
    public record Event(long seq, String kind, JsonNode data, java.time.OffsetDateTime at) {
    }

    public List<Event> events(UUID id, long after, int limit) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, kind, data, at FROM job_events"
                    + " WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setObject(1, id);
                ps.setLong(2, after);
                ps.setInt(3, limit);
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Event(rs.getLong(1), rs.getString(2), Json.read(rs.getString(3)),
                                rs.getObject(4, java.time.OffsetDateTime.class)));
                    }
                }
                return out;
            }
        });
    }

    // ---- worker side ----

    /**
     * Claims a queued job for {@code owner}: running, attempt + 1, a lease. Null if it is not queued,
     * or if its tenant already runs as many jobs as its quota allows: then the job stays queued and
     * is offered again in a few seconds (through the outbox), its attempts untouched.
     */
    public JobRecord claim(UUID id, String owner, int leaseSeconds) {
        return db.inTransaction(c -> {
            String tenant = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant FROM jobs WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        tenant = rs.getString(1);
                    }
                }
            }
            if (tenant == null) {
                return null;
            }
            lockTenant(c, tenant); // two workers claiming for one tenant cannot both pass the count
            JobRecord r;
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET " + CLAIM.set() + ", attempt = attempt + 1,"
                    + " lease_owner = ?, lease_until = now() + make_interval(secs => ?),"
                    + " started_at = coalesce(started_at, now()), version = version + 1,"
                    + " progress = '{}'::jsonb WHERE id = ? AND " + CLAIM.guard() + " AND attempt < max_attempts"
                    + " AND (SELECT count(*) FROM jobs r WHERE r.tenant = jobs.tenant AND r." + ACTIVE_SQL + ")"
                    + " < coalesce((SELECT q.running_jobs FROM tenant_quotas q WHERE q.tenant = jobs.tenant), ?)"
                    + " RETURNING " + JobRecord.COLUMNS)) {
                ps.setString(1, owner);
                ps.setInt(2, leaseSeconds);
                ps.setObject(3, id);
                ps.setLong(4, defaultRunningJobs);
                r = one(ps);
            }
            if (r != null) {
                event(c, id, "status", Json.object().put("status", "running").put("attempt", r.attempt())
                        .put("worker", owner));
                return r;
            }
            JobRecord waiting = update(c, "UPDATE jobs SET progress = jsonb_build_object('message',"
                    + " 'waiting: the tenant runs as many jobs as its running_jobs quota allows'), version = version + 1"
                    + " WHERE id = ? AND " + CLAIM.guard() + " AND attempt < max_attempts"
                    + " AND coalesce(progress->>'message', '') NOT LIKE 'waiting:%' RETURNING " + JobRecord.COLUMNS, id);
            JobRecord queued = waiting != null ? waiting : update(c, "SELECT " + JobRecord.COLUMNS + " FROM jobs"
                    + " WHERE id = ? AND " + CLAIM.guard() + " AND attempt < max_attempts", id);
            if (queued != null) {
                outbox(c, queued.type().topic(), id, message(id, queued.type(), queued.attempt()), QUOTA_RETRY_SECONDS);
            }
            return null;
        });
    }

    /** The job's status now (null when there is no such job): the worker's once-a-quarter-second look for a cancel. */
    public JobStatus status(UUID id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? JobStatus.parse(rs.getString(1)) : null;
                }
            }
        });
    }

    /** Renews the lease; returns the job's status, or null when the lease is no longer this worker's. */
    public JobStatus heartbeat(UUID id, String owner, int attempt, int leaseSeconds) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET lease_until = now() + make_interval(secs => ?)"
                    + " WHERE id = ? AND lease_owner = ? AND attempt = ? AND " + ACTIVE_SQL
                    + " RETURNING status")) {
                ps.setInt(1, leaseSeconds);
                ps.setObject(2, id);
                ps.setString(3, owner);
                ps.setInt(4, attempt);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? JobStatus.parse(rs.getString(1)) : null;
                }
            }
        });
    }

    /** Records progress (and its event); false when the lease is no longer this worker's. */
    public boolean progress(UUID id, String owner, int attempt, ObjectNode progress) {
        return db.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET progress = ?::jsonb, version = version + 1"
                    + " WHERE id = ? AND lease_owner = ? AND attempt = ? AND " + ACTIVE_SQL)) {
                ps.setString(1, Json.write(progress));
                ps.setObject(2, id);
                ps.setString(3, owner);
                ps.setInt(4, attempt);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                event(c, id, "progress", progress);
            }
            return n == 1;
        });
    }

    /**
     * A message no worker can read (not JSON, no job id): to the dead-letter topic with where it was
     * found and its first 4 KB, so that an operator sees it and the partition moves on.
     */
    public void deadLetterUnreadable(String topic, int partition, long offset, String raw, String problem) {
        db.run(c -> {
            ObjectNode payload = Json.object().put("unreadable", true).put("topic", topic).put("partition", partition)
                    .put("offset", offset).put("problem", problem)
                    .put("message", raw == null ? null : raw.substring(0, Math.min(4096, raw.length())));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (topic, message_key, payload)"
                    + " VALUES (?, ?, ?::jsonb)")) {
                ps.setString(1, Topics.DEAD_LETTER);
                ps.setString(2, topic + "-" + partition + "@" + offset);
                ps.setString(3, Json.write(payload));
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void log(UUID id, String kind, ObjectNode data) {
        db.run(c -> {
            event(c, id, kind, data);
            return null;
        });
    }

    /** A model row written with a train job's success. */
    public record NewModel(UUID id, String tenant, String dataset, int dim, JsonNode settings, JsonNode metrics,
            String objectKey) {
    }

    /**
     * Marks the job succeeded with its result (and registers its model) in one transaction, if this
     * worker still holds the lease for this attempt and nobody asked to cancel it. False means
     * another worker or the reaper took it, or it is cancelling (which {@link #cancelled} ends).
     */
    public boolean succeed(UUID id, String owner, int attempt, JsonNode result, JsonNode finalProgress,
            NewModel model) {
        return db.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET " + SUCCEED.set() + ", result = ?::jsonb,"
                    + " error = NULL, progress = ?::jsonb, model_id = coalesce(?, model_id), finished_at = now(), lease_owner = NULL,"
                    + " lease_until = NULL, version = version + 1 WHERE id = ? AND lease_owner = ? AND attempt = ?"
                    + " AND " + SUCCEED.guard())) {
                ps.setString(1, Json.write(result));
                ps.setString(2, Json.write(finalProgress));
                ps.setObject(3, model == null ? null : model.id());
                ps.setObject(4, id);
                ps.setString(5, owner);
                ps.setInt(6, attempt);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                c.rollback();
                return false;
            }
            if (model != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO models (id, tenant, job_id, dataset, dim,"
                        + " settings, metrics, object_key) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
                    ps.setObject(1, model.id());
                    ps.setString(2, model.tenant());
                    ps.setObject(3, id);
                    ps.setString(4, model.dataset());
                    ps.setInt(5, model.dim());
                    ps.setString(6, Json.write(model.settings()));
                    ps.setString(7, Json.write(model.metrics()));
                    ps.setString(8, model.objectKey());
                    ps.executeUpdate();
                }
            }
            event(c, id, "status", Json.object().put("status", "succeeded").put("attempt", attempt));
            return true;
        });
    }

    /** A cancelling job whose worker stopped: cancelled. */
    public boolean cancelled(UUID id, String owner, int attempt) {
        return db.inTransaction(c -> {
            JobRecord r = update(c, "UPDATE jobs SET " + STOPPED.set() + ", finished_at = now(),"
                    + " lease_owner = NULL, lease_until = NULL, version = version + 1 WHERE id = ? AND lease_owner = ?"
                    + " AND attempt = ? AND " + STOPPED.guard() + " RETURNING " + JobRecord.COLUMNS, id, owner, attempt);
            if (r != null) {
                event(c, id, "status", Json.object().put("status", "cancelled").put("attempt", attempt));
            }
            return r != null;
        });
    }

    /**
     * A failed attempt. Retryable failures with attempts left go back to the queue after a backoff
     * (through the outbox); the rest fail the job and go to the dead-letter topic.
     */
    public boolean fail(UUID id, String owner, int attempt, ObjectNode error, boolean retryable, int backoffSeconds) {
        return db.inTransaction(c -> {
            JobRecord r = lockOwned(c, id, owner, attempt);
            if (r == null) {
                return false;
            }
            endAttempt(c, r, error, retryable, backoffSeconds);
            return true;
        });
    }

    /** Attempts given back to one job (or shard) by stopping workers at the most; later hand-backs count. */
    public static final int GIVEN_BACK_LIMIT = 10;

    /**
     * A stopping worker hands its running attempt back: the job is queued again at once and, up to
     * {@link #GIVEN_BACK_LIMIT} times, the attempt is given back (max_attempts + 1; {@code attempt}
     * still counts claims, so it fences a stale worker), since a deploy or a scale-down is no fault
     * of the job's and must not fail one on its last attempt. A cancelling job is cancelled.
     */
    public boolean handBack(UUID id, String owner, int attempt, ObjectNode error) {
        return db.inTransaction(c -> {
            JobRecord r = lockOwned(c, id, owner, attempt);
            if (r == null) {
                return false;
            }
            JobRecord given = r.status() != JobStatus.RUNNING ? null : update(c, "UPDATE jobs SET max_attempts ="
                    + " max_attempts + 1, given_back = given_back + 1 WHERE id = ? AND given_back < ? RETURNING "
                    + JobRecord.COLUMNS, id, GIVEN_BACK_LIMIT);
            endAttempt(c, given != null ? given : r, givenBack(error, given != null), true, 0);
            return true;
        });
    }

    /** A hand-back's error, saying whether the attempt was given back. */
    static ObjectNode givenBack(ObjectNode error, boolean given) {
        return error.deepCopy().put("message", error.path("message").asText() + (given ? "; the attempt is given back"
                : "; it counts (" + GIVEN_BACK_LIMIT + " attempts were given back already)"));
    }

    /**
     * Returns jobs whose lease has expired to the queue (or fails them when out of attempts, or
     * finishes their cancellation). Safe to run from many processes at once: rows are locked with
     * SKIP LOCKED and each change is guarded. Returns how many jobs it handled.
     */
    public int reapExpired(int backoffSeconds, int limit) {
        return db.inTransaction(c -> {
            List<JobRecord> expired = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRecord.COLUMNS + " FROM jobs"
                    + " WHERE " + ACTIVE_SQL + " AND lease_until < now()"
                    + " ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired.add(JobRecord.read(rs));
                    }
                }
            }
            for (JobRecord r : expired) {
                if (r.status() == JobStatus.CANCELLING) {
                    update(c, "UPDATE jobs SET " + STOPPED.set() + ", finished_at = now(),"
                            + " lease_owner = NULL, lease_until = NULL, version = version + 1 WHERE id = ?"
                            + " AND " + STOPPED.guard() + " AND lease_owner = ? RETURNING " + JobRecord.COLUMNS, r.id(), r.leaseOwner());
                    event(c, r.id(), "status", Json.object().put("status", "cancelled")
                            .put("reason", "lease of " + r.leaseOwner() + " expired"));
                    continue;
                }
                ObjectNode error = Json.object().put("code", "lease_expired").put("message",
                        "worker " + r.leaseOwner() + " stopped renewing its lease during attempt " + r.attempt())
                        .put("retryable", true);
                endAttempt(c, r, error, true, backoffSeconds);
            }
            return expired.size();
        });
    }

    private static JobRecord lockOwned(Connection c, UUID id, String owner, int attempt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JobRecord.COLUMNS + " FROM jobs WHERE id = ?"
                + " AND lease_owner = ? AND attempt = ? AND " + ACTIVE_SQL + " FOR UPDATE")) {
            ps.setObject(1, id);
            ps.setString(2, owner);
            ps.setInt(3, attempt);
            return one(ps);
        }
    }

    /** Ends a locked, running attempt: back to the queue after a backoff, or failed. */
    private static void endAttempt(Connection c, JobRecord r, ObjectNode error, boolean retryable, int backoffSeconds)
            throws SQLException {
        boolean again = retryable && r.attempt() < r.maxAttempts() && r.status() == JobStatus.RUNNING;
        if (again) {
            // exponential, with jitter so that jobs failed together by one outage do not return together
            int delay = (int) Math.round(backoffSeconds * (1 << Math.min(10, r.attempt() - 1))
                    * java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.75, 1.25));
            update(c, "UPDATE jobs SET " + RETRY.set() + ", lease_owner = NULL, lease_until = NULL,"
                    + SET_ERROR + ", version = version + 1 WHERE id = ? AND " + RETRY.guard()
                    + " RETURNING " + JobRecord.COLUMNS, Json.write(error), Json.write(error), r.id());
            event(c, r.id(), "status", Json.object().put("status", "queued").put("attempt", r.attempt())
                    .put("retry_in_seconds", delay).set("error", error));
            outbox(c, r.type().topic(), r.id(), message(r.id(), r.type(), r.attempt()), delay);
        } else {
            ObjectNode finalError = error.deepCopy();
            if (retryable && r.attempt() >= r.maxAttempts()) {
                finalError.put("message", error.path("message").asText() + " (attempt " + r.attempt() + " of "
                        + r.maxAttempts() + ", no attempts left)");
            }
            JobTransition end = r.status() == JobStatus.CANCELLING ? STOPPED : FAIL;
            String status = end.to().wireName();
            update(c, "UPDATE jobs SET " + end.set() + ", lease_owner = NULL, lease_until = NULL,"
                    + SET_ERROR + ", finished_at = now(), version = version + 1 WHERE id = ? AND " + end.guard()
                    + " RETURNING " + JobRecord.COLUMNS, Json.write(finalError), Json.write(finalError), r.id());
            event(c, r.id(), "status", Json.object().put("status", status).put("attempt", r.attempt())
                    .set("error", finalError));
            if (end == FAIL) {
                ObjectNode dead = message(r.id(), r.type(), r.attempt());
                dead.set("error", finalError);
                outbox(c, Topics.DEAD_LETTER, r.id(), dead, 0);
            }
        }
    }

    // ---- helpers ----

    static ObjectNode message(UUID id, JobType type, int attempt) {
        return JobMessage.of(id, type, attempt).toJson();
    }

    static void outbox(Connection c, String topic, UUID key, JsonNode payload, int delaySeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (topic, message_key, payload, available_at)"
                + " VALUES (?, ?, ?::jsonb, now() + make_interval(secs => ?))")) {
            ps.setString(1, topic);
            ps.setString(2, key.toString());
            ps.setString(3, Json.write(payload));
            ps.setInt(4, delaySeconds);
            ps.executeUpdate();
        }
    }

    static void event(Connection c, UUID id, String kind, JsonNode data) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_events (job_id, kind, data) VALUES (?, ?, ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, kind);
            ps.setString(3, Json.write(data));
            ps.executeUpdate();
        }
    }

    private static JobRecord update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return one(ps);
        }
    }

    private static JobRecord one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? JobRecord.read(rs) : null;
        }
    }

    /** Why a job was not deleted, or that it was. */
    public enum Deletion { DELETED, NOT_FOUND, NOT_FINISHED, HAS_MODEL, IN_USE }

    /**
     * Deletes a finished job with its events and shards (their rows cascade); a job still queued or
     * running must be cancelled first, and a train job whose model exists keeps it (the model's
     * record names the job).
     */
    public Deletion delete(String tenant, UUID id) {
        // in GuardedChange's order: the row locked first (a submission naming it as its classifier
        // holds it until its job is written), then the jobs read by a statement of their own
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TERMINAL_SQL + ","
                    + " EXISTS (SELECT 1 FROM models m WHERE m.job_id = j.id) FROM jobs j WHERE id = ? AND tenant = ?"
                    + " FOR UPDATE")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Deletion.NOT_FOUND;
                    }
                    if (!rs.getBoolean(1)) {
                        return Deletion.NOT_FINISHED;
                    }
                    if (rs.getBoolean(2)) {
                        return Deletion.HAS_MODEL;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs WHERE tenant = ? AND " + UNFINISHED_SQL
                    + " AND lower(params ->> 'classifier') = ? LIMIT 1")) {
                ps.setString(1, tenant);
                ps.setString(2, id.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Deletion.IN_USE;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            return Deletion.DELETED;
        });
    }

    /** A job whose files the sweeper has just claimed, with the keys to keep (its live model's file). */
    public record Expiring(UUID id, List<String> keep) {
    }

    /**
     * Claims up to {@code limit} finished jobs whose files are older than {@code days} days: marks
     * them expired in one statement (SKIP LOCKED, so gateways sweeping at once take different jobs)
     * and returns them; {@link #unexpire} undoes a claim whose files could not be deleted.
     */
    public List<Expiring> claimExpired(int days, int limit) {
        return db.run(c -> {
            List<Expiring> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET files_expired_at = now() WHERE id IN ("
                    + "SELECT id FROM jobs WHERE files_expired_at IS NULL AND finished_at IS NOT NULL"
                    + " AND finished_at < now() - make_interval(days => ?) ORDER BY finished_at LIMIT ?"
                    + " FOR UPDATE SKIP LOCKED) RETURNING id,"
                    + " ARRAY(SELECT m.object_key FROM models m WHERE m.job_id = jobs.id)")) {
                ps.setInt(1, days);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Expiring(rs.getObject(1, UUID.class),
                                List.of((String[]) rs.getArray(2).getArray())));
                    }
                }
            }
            return out;
        });
    }

    public void unexpire(UUID id) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET files_expired_at = NULL WHERE id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }
}
