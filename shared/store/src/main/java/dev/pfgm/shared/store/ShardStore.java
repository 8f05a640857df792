package dev.pfgm.shared.store;

import static dev.pfgm.shared.job.JobTransition.FAIL;
import static dev.pfgm.shared.job.JobTransition.STOPPED;

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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The shards of synthesize jobs in PostgreSQL. A shard lives through the job state machine
 * ({@link JobStatus}: queued, running, then succeeded, failed or cancelled; running back to queued
 * when its lease expires or its worker stops with attempts left; it is never "cancelling": a running
 * shard learns of its job's cancellation from its lease renewal). Every change is one UPDATE
 * guarded by the statuses it may leave and, for a worker, by its lease and attempt, so a duplicate
 * Kafka message or a second worker finds nothing to change. A change that moves the job (its
 * progress, the last shard committed, a shard out of attempts) locks the job's row first, so two
 * workers committing a job's last two shards agree on which of them was last.
 */
public final class ShardStore {
    private static final String SYNTHESIZE_TOPIC = JobType.SYNTHESIZE.topic();
    private static final String COLUMNS = "job_id, index, status, first_row, rows, attempt, max_attempts, lease_owner,"
            + " rows_done, object_key, bytes, sha256, files, worker, stats, error, started_at, finished_at";

    private final Database db;

    public ShardStore(Database db) {
        this.db = db;
    }

    /** One shard row. */
    public record ShardRecord(UUID jobId, int index, JobStatus status, long firstRow, int rows, int attempt,
            int maxAttempts, String leaseOwner, int rowsDone, String objectKey, long bytes, String sha256,
            JsonNode files, String worker, JsonNode stats, JsonNode error, OffsetDateTime startedAt,
            OffsetDateTime finishedAt) {
        static ShardRecord read(ResultSet rs) throws SQLException {
            return new ShardRecord(rs.getObject("job_id", UUID.class), rs.getInt("index"),
                    JobStatus.parse(rs.getString("status")), rs.getLong("first_row"), rs.getInt("rows"),
                    rs.getInt("attempt"), rs.getInt("max_attempts"), rs.getString("lease_owner"), rs.getInt("rows_done"),
                    rs.getString("object_key"), rs.getLong("bytes"), rs.getString("sha256"),
                    Json.read(rs.getString("files")), rs.getString("worker"), Json.read(rs.getString("stats")),
                    Json.read(rs.getString("error")), rs.getObject("started_at", OffsetDateTime.class),
                    rs.getObject("finished_at", OffsetDateTime.class));
        }
    }

    /** A part as committed: its main file, every file (name, bytes, sha256, key), and what it cost. */
    public record Part(String objectKey, long bytes, String sha256, JsonNode files, JsonNode stats) {
    }

    /** Shards per status, and rows done over all of them. */
    public record Counts(int total, int queued, int running, int succeeded, int failed, int cancelled,
            long rowsDone, long rows) {
    }

    // ---- planning ----

    /**
     * Ends a synthesize job's planning: records its plan, cuts {@code count} rows into shards of
     * {@code shardSize} and queues one Kafka message per shard (keyed by job and shard, so they
     * spread over the partitions), releasing the job's lease: from here the shards are the work.
     * False when this worker no longer holds the job.
     */
    public boolean plan(UUID job, String owner, int attempt, ObjectNode plan, long count, int shardSize, int maxAttempts) {
        int shards = (int) ((count + shardSize - 1) / shardSize);
        return db.inTransaction(c -> {
            // the database's clock, which the progress's rate is later measured against
            int n = update(c, "UPDATE jobs SET phase = 'shards', plan = jsonb_set(?::jsonb, '{sharded_at}', to_jsonb(now())),"
                    + " lease_owner = NULL, lease_until = NULL, version = version + 1 WHERE id = ? AND lease_owner = ?"
                    + " AND attempt = ? AND " + JobTransition.statusIs(JobStatus.RUNNING), Json.write(plan), job, owner,
                    attempt);
            if (n == 0) {
                c.rollback();
                return false;
            }
            update(c, "INSERT INTO shards (job_id, index, status, first_row, rows, max_attempts)"
                    + " SELECT ?, g, 'queued', g::bigint * ?, LEAST(?::bigint, ? - g::bigint * ?)::int, ?"
                    + " FROM generate_series(0, ? - 1) g", job, shardSize, shardSize, count, shardSize, maxAttempts, shards);
            // shard g's message is JobMessage's for shard 0 with g written in
            update(c, "INSERT INTO outbox (topic, message_key, payload) SELECT ?, ? || ':' || g,"
                    + " jsonb_set(?::jsonb, '{shard}', to_jsonb(g)) FROM generate_series(0, ? - 1) g", SYNTHESIZE_TOPIC,
                    job.toString(), Json.write(new JobMessage(job, JobType.SYNTHESIZE, 0, 0).toJson()), shards);
            JobStore.event(c, job, "log", Json.object().put("message", String.format(Locale.ROOT,
                    "planned %d shards of up to %d rows", shards, shardSize)).put("attempt", attempt).put("worker", owner));
            refreshProgress(c, job);
            return true;
        });
    }

    // ---- a worker's shard ----

    private static final String CLAIMABLE = "status = 'queued' AND attempt < max_attempts"
            + " AND EXISTS (SELECT 1 FROM jobs j WHERE j.id = shards.job_id AND j." + JobTransition.statusIs(JobStatus.RUNNING)
            + " AND j.phase = 'shards')";

    /** Claims shard {@code index} of {@code job}: running, attempt + 1, a lease. Null when it is not queued. */
    public ShardRecord claim(UUID job, int index, String owner, int leaseSeconds) {
        return db.run(c -> one(c, "UPDATE shards SET status = 'running', attempt = attempt + 1, lease_owner = ?,"
                + " lease_until = now() + make_interval(secs => ?), rows_done = 0, error = NULL,"
                + " started_at = coalesce(started_at, now()) WHERE job_id = ? AND index = ? AND " + CLAIMABLE
                + " RETURNING " + COLUMNS, owner, leaseSeconds, job, index));
    }

    /**
     * Claims the oldest due queued shard of any job: an idle worker takes work whose message waits in
     * another worker's partition. Skips locked rows, so idle workers do not queue behind each other.
     */
    public ShardRecord claimAny(String owner, int leaseSeconds) {
        return db.run(c -> one(c, "UPDATE shards SET status = 'running', attempt = attempt + 1, lease_owner = ?,"
                + " lease_until = now() + make_interval(secs => ?), rows_done = 0, error = NULL,"
                + " started_at = coalesce(started_at, now()) WHERE (job_id, index) = (SELECT job_id, index FROM shards"
                + " WHERE " + CLAIMABLE + " AND available_at <= now() ORDER BY available_at, job_id, index LIMIT 1"
                + " FOR UPDATE SKIP LOCKED) AND status = 'queued' RETURNING " + COLUMNS, owner, leaseSeconds));
    }

    /**
     * Renews a shard's lease; returns its job's status (a shard of a job that is cancelling, failed or
     * cancelled should stop), or null when the lease is no longer this worker's.
     */
    public JobStatus heartbeat(UUID job, int index, String owner, int attempt, int leaseSeconds) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shards SET lease_until = now() + make_interval(secs => ?)"
                    + " WHERE job_id = ? AND index = ? AND lease_owner = ? AND attempt = ? AND status = 'running'"
                    + " RETURNING (SELECT status FROM jobs WHERE id = shards.job_id)")) {
                Statements.bind(ps, leaseSeconds, job, index, owner, attempt);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? JobStatus.parse(rs.getString(1)) : null;
                }
            }
        });
    }

    /** Rows done so far in a running shard; refreshes the job's progress. False when the lease is gone. */
    public boolean progress(UUID job, int index, String owner, int attempt, int rowsDone) {
        return db.inTransaction(c -> {
            lockJob(c, job);
            int n = update(c, "UPDATE shards SET rows_done = ? WHERE job_id = ? AND index = ? AND lease_owner = ?"
                    + " AND attempt = ? AND status = 'running'", rowsDone, job, index, owner, attempt);
            if (n == 1) {
                refreshProgress(c, job);
            }
            return n == 1;
        });
    }

    /** What a commit found: whether it counted, and whether this worker now holds the job to finalise it. */
    public record Commit(boolean committed, boolean last, int jobAttempt) {
    }

    /**
     * Commits a shard's part. When it was the job's last shard, the same transaction moves the job to
     * its finalize phase with a lease for this worker, who writes the manifest next.
     */
    public Commit commit(UUID job, int index, String owner, int attempt, Part part, int leaseSeconds) {
        return db.inTransaction(c -> {
            JobLock j = lockJob(c, job);
            int n = update(c, "UPDATE shards SET status = 'succeeded', lease_owner = NULL, lease_until = NULL,"
                    + " worker = ?, object_key = ?, bytes = ?, sha256 = ?, files = ?::jsonb, stats = ?::jsonb,"
                    + " rows_done = rows, finished_at = now() WHERE job_id = ? AND index = ? AND lease_owner = ?"
                    + " AND attempt = ? AND status = 'running'", owner, part.objectKey(), part.bytes(), part.sha256(),
                    Json.write(part.files()), Json.write(part.stats()), job, index, owner, attempt);
            if (n == 0) {
                return new Commit(false, false, 0);
            }
            // a shard that finishes while its job is being cancelled still counts, and may be the last to stop
            settleStoppedJob(c, j);
            Counts counts = refreshProgress(c, job);
            if (counts.succeeded() == counts.total() && j.status() == JobStatus.RUNNING && JobRecord.SHARDS.equals(j.phase())) {
                update(c, "UPDATE jobs SET phase = 'finalize', lease_owner = ?, lease_until = now() + make_interval(secs => ?),"
                        + " version = version + 1 WHERE id = ?", owner, leaseSeconds, job);
                JobStore.event(c, job, "log", Json.object().put("message", "all " + counts.total()
                        + " shards committed; writing the manifest").put("worker", owner));
                return new Commit(true, true, j.attempt());
            }
            return new Commit(true, false, 0);
        });
    }

    /**
     * A shard's attempt failed. Retryable failures with attempts left go back to the queue after a
     * backoff (through the outbox); otherwise the shard fails, and with it the job: the parts
     * already committed are not a result.
     */
    public boolean fail(UUID job, int index, String owner, int attempt, ObjectNode error, boolean retryable,
                        int backoffSeconds) {
        return db.inTransaction(c -> {
            JobLock j = lockJob(c, job);
            ShardRecord s = lockOwned(c, job, index, owner, attempt);
            if (s == null) {
                return false;
            }
            endAttempt(c, j, s, error, retryable, backoffSeconds);
            return true;
        });
    }

    /**
     * A stopping worker hands its running shard back: queued again at once, with the attempt given
     * back as {@link JobStore#handBack} gives a job's; cancelled if its job stops.
     */
    public boolean handBack(UUID job, int index, String owner, int attempt, ObjectNode error) {
        return db.inTransaction(c -> {
            JobLock j = lockJob(c, job);
            ShardRecord s = lockOwned(c, job, index, owner, attempt);
            if (s == null) {
                return false;
            }
            ShardRecord given = j.status() != JobStatus.RUNNING ? null : one(c, "UPDATE shards SET max_attempts ="
                    + " max_attempts + 1, given_back = given_back + 1 WHERE job_id = ? AND index = ? AND given_back < ?"
                    + " RETURNING " + COLUMNS, job, index, JobStore.GIVEN_BACK_LIMIT);
            endAttempt(c, j, given != null ? given : s, JobStore.givenBack(error, given != null), true, 0);
            return true;
        });
    }

    /** A running shard whose job stopped (cancelled or failed) is cancelled; the job ends once none runs. */
    public boolean stopped(UUID job, int index, String owner, int attempt) {
        return db.inTransaction(c -> {
            JobLock j = lockJob(c, job);
            int n = update(c, "UPDATE shards SET status = 'cancelled', lease_owner = NULL, lease_until = NULL,"
                    + " finished_at = now() WHERE job_id = ? AND index = ? AND lease_owner = ? AND attempt = ?"
                    + " AND status = 'running'", job, index, owner, attempt);
            settleStoppedJob(c, j);
            return n == 1;
        });
    }

    /**
     * Returns shards whose lease expired to the queue (or fails them, and their job, when out of
     * attempts; or cancels them when their job is stopping). Safe from many processes at once.
     */
    public int reapExpired(int backoffSeconds, int limit) {
        List<ShardRecord> expired = db.run(c -> {
            List<ShardRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM shards WHERE status = 'running'"
                    + " AND lease_until < now() ORDER BY lease_until LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(ShardRecord.read(rs));
                    }
                }
            }
            return out;
        });
        int handled = 0;
        for (ShardRecord candidate : expired) {
            // job row first, then the shard, as every other change of a job's shards locks them: no deadlock
            handled += db.inTransaction(c -> {
                JobLock j = lockJob(c, candidate.jobId());
                ShardRecord s = one(c, "SELECT " + COLUMNS + " FROM shards WHERE job_id = ? AND index = ?"
                        + " AND status = 'running' AND lease_until < now() FOR UPDATE SKIP LOCKED", candidate.jobId(),
                        candidate.index());
                if (s == null) {
                    return 0;
                }
                ObjectNode error = Json.object().put("code", "lease_expired").put("message", "worker " + s.leaseOwner()
                        + " stopped renewing its lease during attempt " + s.attempt() + " of shard " + s.index())
                        .put("retryable", true);
                endAttempt(c, j, s, error, true, backoffSeconds);
                return 1;
            });
        }
        return handled;
    }

    /** Ends a locked running shard's attempt: queued again, failed (failing its job) or, if its job stops, cancelled. */
    private static void endAttempt(Connection c, JobLock j, ShardRecord s, ObjectNode error, boolean retryable,
                                   int backoffSeconds) throws SQLException {
        if (j.status() != JobStatus.RUNNING) {
            update(c, "UPDATE shards SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, finished_at = now()"
                    + " WHERE job_id = ? AND index = ? AND status = 'running'", s.jobId(), s.index());
            settleStoppedJob(c, j);
            return;
        }
        if (retryable && s.attempt() < s.maxAttempts()) {
            int delay = backoffSeconds * (1 << Math.min(10, s.attempt() - 1));
            update(c, "UPDATE shards SET status = 'queued', lease_owner = NULL, lease_until = NULL, rows_done = 0,"
                    + " error = ?::jsonb, available_at = now() + make_interval(secs => ?) WHERE job_id = ? AND index = ?",
                    Json.write(error), delay, s.jobId(), s.index());
            ObjectNode msg = new JobMessage(s.jobId(), JobType.SYNTHESIZE, s.index(), s.attempt()).toJson();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (topic, message_key, payload, available_at)"
                    + " VALUES (?, ?, ?::jsonb, now() + make_interval(secs => ?))")) {
                Statements.bind(ps, SYNTHESIZE_TOPIC, s.jobId() + ":" + s.index(), Json.write(msg), delay);
                ps.executeUpdate();
            }
            JobStore.event(c, s.jobId(), "log", Json.object().put("message", "shard " + s.index() + " attempt "
                    + s.attempt() + " ended (" + error.path("message").asText() + "); queued again in " + delay + " s"));
            refreshProgress(c, s.jobId());
            return;
        }
        ObjectNode finalError = error.deepCopy();
        if (retryable) {
            finalError.put("message", error.path("message").asText() + " (attempt " + s.attempt() + " of "
                    + s.maxAttempts() + ", no attempts left)");
        }
        update(c, "UPDATE shards SET status = 'failed', lease_owner = NULL, lease_until = NULL, error = ?::jsonb,"
                + " finished_at = now() WHERE job_id = ? AND index = ?", Json.write(finalError), s.jobId(), s.index());
        ObjectNode jobError = Json.object().put("code", "shard_failed").put("message", "shard " + s.index() + " (rows "
                + s.firstRow() + " to " + (s.firstRow() + s.rows() - 1) + ") failed: " + finalError.path("message").asText())
                .put("retryable", false);
        update(c, "UPDATE jobs SET " + FAIL.set() + ", phase = NULL, lease_owner = NULL, lease_until = NULL,"
                + JobStore.SET_ERROR + ", finished_at = now(), version = version + 1 WHERE id = ? AND " + FAIL.guard(),
                Json.write(jobError), Json.write(jobError), s.jobId());
        cancelQueued(c, s.jobId());
        JobStore.event(c, s.jobId(), "status", Json.object().put("status", "failed").set("error", jobError));
        ObjectNode dead = new JobMessage(s.jobId(), JobType.SYNTHESIZE, s.index(), s.attempt()).toJson();
        dead.set("error", jobError);
        JobStore.outbox(c, Topics.DEAD_LETTER, s.jobId(), dead, 0);
        refreshProgress(c, s.jobId());
    }

    // ---- the job's side ----

    /** Cancels a job's queued shards (the job is being cancelled or failed); returns how many. */
    static int cancelQueued(Connection c, UUID job) throws SQLException {
        return update(c, "UPDATE shards SET status = 'cancelled', finished_at = now() WHERE job_id = ? AND status = 'queued'",
                job);
    }

    /**
     * A cancelling job whose shards have all stopped becomes cancelled. Called with the job locked,
     * after a shard stopped or when the cancellation was asked for.
     */
    static void settleStoppedJob(Connection c, JobLock j) throws SQLException {
        if (j.status() != JobStatus.CANCELLING) {
            return;
        }
        cancelQueued(c, j.id());
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM shards WHERE job_id = ? AND status = 'running'")) {
            Statements.bind(ps, j.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
        }
        int n = update(c, "UPDATE jobs SET " + STOPPED.set() + ", finished_at = now(), lease_owner = NULL,"
                + " lease_until = NULL, version = version + 1 WHERE id = ? AND " + STOPPED.guard() + " AND phase = 'shards'",
                j.id());
        if (n == 1) {
            JobStore.event(c, j.id(), "status", Json.object().put("status", "cancelled"));
            refreshProgress(c, j.id());
        }
    }

    /** The job row, locked for the rest of the transaction. */
    record JobLock(UUID id, JobStatus status, String phase, int attempt) {
    }

    static JobLock lockJob(Connection c, UUID job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, phase, attempt FROM jobs WHERE id = ? FOR UPDATE")) {
            Statements.bind(ps, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new JobLock(job, JobStatus.CANCELLED, null, 0);
                }
                return new JobLock(job, JobStatus.parse(rs.getString(1)), rs.getString(2), rs.getInt(3));
            }
        }
    }

    /**
     * Writes the job's progress from its shards: rows done over the count, shards per status, the
     * rate over all workers since the shards were planned, and the time left at that rate.
     */
    static Counts refreshProgress(Connection c, UUID job) throws SQLException {
        Counts k = counts(c, job);
        update(c, "UPDATE jobs SET progress = ?::jsonb, version = version + 1 WHERE id = ?", Json.write(progress(c, job, k)),
                job);
        return k;
    }

    /** The progress of a job from its shards, as {@link #refreshProgress} writes it (a finished job's last one). */
    public ObjectNode progress(UUID job) {
        return db.run(c -> progress(c, job, counts(c, job)));
    }

    private static ObjectNode progress(Connection c, UUID job, Counts k) throws SQLException {
        double seconds = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT extract(epoch FROM now() - (plan->>'sharded_at')::timestamptz)"
                + " FROM jobs WHERE id = ?")) {
            Statements.bind(ps, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seconds = rs.getDouble(1);
                }
            }
        }
        double rate = seconds > 0 ? k.rowsDone() / seconds : 0;
        ObjectNode p = Json.object();
        p.put("completed", k.rowsDone()).put("total", k.rows())
                .put("fraction", k.rows() == 0 ? 0 : Math.min(1.0, (double) k.rowsDone() / k.rows()));
        if (rate > 0 && k.rowsDone() > 0) {
            p.put("eta_seconds", Math.round((k.rows() - k.rowsDone()) / rate * 10) / 10.0);
        } else {
            p.putNull("eta_seconds");
        }
        p.put("rows_per_second", Math.round(rate * 10) / 10.0);
        p.putObject("shards").put("total", k.total()).put("queued", k.queued()).put("running", k.running())
                .put("succeeded", k.succeeded()).put("failed", k.failed()).put("cancelled", k.cancelled());
        p.put("message", String.format(Locale.ROOT, "%d/%d shards done, %d running, %,d of %,d rows, %,.0f rows/s",
                k.succeeded(), k.total(), k.running(), k.rowsDone(), k.rows(), rate));
        return p;
    }

    private static Counts counts(Connection c, UUID job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE status = 'queued'),"
                + " count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'succeeded'),"
                + " count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled'),"
                + " coalesce(sum(CASE WHEN status = 'succeeded' THEN rows WHEN status = 'running' THEN rows_done ELSE 0 END), 0),"
                + " coalesce(sum(rows), 0) FROM shards WHERE job_id = ?")) {
            Statements.bind(ps, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                        rs.getLong(7), rs.getLong(8));
            }
        }
    }

    // ---- reading ----

    public Counts counts(UUID job) {
        return db.run(c -> counts(c, job));
    }

    /** Shards of a job by index, after {@code afterIndex} (-1 for the first page). */
    public List<ShardRecord> list(UUID job, int afterIndex, int limit) {
        return page(job, "", afterIndex, limit);
    }

    /** Committed shards of a job by index, after {@code afterIndex}. */
    public List<ShardRecord> committed(UUID job, int afterIndex, int limit) {
        return page(job, " AND status = 'succeeded'", afterIndex, limit);
    }

    private List<ShardRecord> page(UUID job, String filter, int afterIndex, int limit) {
        return db.run(c -> {
            List<ShardRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM shards WHERE job_id = ?"
                    + filter + " AND index > ? ORDER BY index LIMIT ?")) {
                Statements.bind(ps, job, afterIndex, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(ShardRecord.read(rs));
                    }
                }
            }
            return out;
        });
    }

    public ShardRecord get(UUID job, int index) {
        return db.run(c -> one(c, "SELECT " + COLUMNS + " FROM shards WHERE job_id = ? AND index = ?", job, index));
    }

    /** One letter per shard in index order: q(ueued), r(unning), s(ucceeded), f(ailed), c(ancelled). */
    public String statusMap(UUID job) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(left(status, 1), '' ORDER BY index)"
                    + " FROM shards WHERE job_id = ?")) {
                Statements.bind(ps, job);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String s = rs.getString(1);
                    return s == null ? "" : s;
                }
            }
        });
    }

    // ---- helpers ----

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Statements.bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** The shard's running attempt {@code attempt} of {@code owner}, locked; null if that attempt has ended. */
    private static ShardRecord lockOwned(Connection c, UUID job, int index, String owner, int attempt) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM shards WHERE job_id = ? AND index = ? AND lease_owner = ?"
                + " AND attempt = ? AND status = 'running' FOR UPDATE", job, index, owner, attempt);
    }

    private static ShardRecord one(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Statements.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ShardRecord.read(rs) : null;
            }
        }
    }
}
