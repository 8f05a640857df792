package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobTransition;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.Database;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.GuardedChange;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.QuotaStore;
import dev.pfgm.shared.store.ShardStore;
import dev.pfgm.stack.servers.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * JobStore's guarded transitions on a real PostgreSQL, one by one and raced: each returns false
 * (or null) where it must, so a duplicate delivery, a second worker or a stale attempt changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobStoreTest {
    @TempDir
    static Path tmp;
    EmbeddedPostgres pg;
    Database db;
    JobStore jobs;

    @BeforeAll
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = EmbeddedPostgres.start(tmp.resolve("pg"), port);
        // the store reads only the database settings; the others must be present to form a config
        Config config = Config.from(Map.of(Settings.DB_URL.name(), pg.jdbcUrl(), Settings.KAFKA.name(), "unused:9092",
                Settings.S3_ENDPOINT.name(), "http://unused:9000", Settings.S3_ACCESS_KEY.name(), "x",
                Settings.S3_SECRET_KEY.name(), "x", Settings.DB_POOL.name(), "32"));
        db = Database.open(config, "store-test");
        jobs = new JobStore(db, 1000);
    }

    @AfterAll
    void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private JobRecord submit(String tenant, String key, long maxActive) {
        return jobs.submit(new JobStore.NewJob(tenant, JobType.TRAIN, Json.object().put("steps", 1), "builtin:moons", null,
                2, key, key == null ? null : "hash", maxActive)).job();
    }

    private long count(String sql, Object... args) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static <T> List<T> race(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        List<T> out = new ArrayList<>();
        for (Future<T> f : fs) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    @Test
    void eachTransitionRefusesWhatIsNotItsToChange() {
        JobRecord j = submit("t1", null, 100);
        JobRecord mine = jobs.claim(j.id(), "w1", 30);
        assertNotNull(mine);
        assertNull(jobs.claim(j.id(), "w2", 30), "a claimed job is not claimed again");
        assertNull(jobs.heartbeat(j.id(), "w2", 1, 30), "another worker cannot renew");
        assertNull(jobs.heartbeat(j.id(), "w1", 2, 30), "nor another attempt");
        assertEquals(JobStatus.RUNNING, jobs.heartbeat(j.id(), "w1", 1, 30));
        ObjectNode p = Json.object().put("completed", 1);
        assertFalse(jobs.progress(j.id(), "w2", 1, p));
        assertFalse(jobs.succeed(j.id(), "w2", 1, Json.object(), p, null));
        assertFalse(jobs.fail(j.id(), "w1", 2, Json.object().put("code", "x"), false, 0));
        assertFalse(jobs.cancelled(j.id(), "w1", 1), "cancelled needs cancelling");
        assertTrue(jobs.succeed(j.id(), "w1", 1, Json.object(), p, null));
        assertFalse(jobs.succeed(j.id(), "w1", 1, Json.object(), p, null), "succeeds once");
        assertTrue(jobs.cancel("t1", j.id()).map(r -> r.status() == JobStatus.SUCCEEDED).orElse(false),
                "a finished job is left as it is");
        assertTrue(jobs.cancel("other", j.id()).isEmpty(), "another tenant's job is not found");
    }

    @Test
    void aJobAskedToCancelNeverSucceeds() {
        JobRecord j = submit("t2", null, 100);
        jobs.claim(j.id(), "w1", 30);
        assertEquals(JobStatus.CANCELLING, jobs.cancel("t2", j.id()).orElseThrow().status());
        assertFalse(jobs.succeed(j.id(), "w1", 1, Json.object(), Json.object(), null));
        assertTrue(jobs.cancelled(j.id(), "w1", 1));
        assertEquals(JobStatus.CANCELLED, jobs.get("t2", j.id()).orElseThrow().status());
        JobRecord q = submit("t2", null, 100);
        assertEquals(JobStatus.CANCELLED, jobs.cancel("t2", q.id()).orElseThrow().status(), "queued: at once");
        assertNull(jobs.claim(q.id(), "w1", 30));
    }

    @Test
    void twoWorkersClaimingAtOnceGetOneClaim() throws Exception {
        for (int round = 0; round < 10; round++) {
            JobRecord j = submit("t3", null, 100);
            List<JobRecord> got = race(8, () -> jobs.claim(j.id(), "w-" + Thread.currentThread().getId(), 30));
            assertEquals(1, got.stream().filter(r -> r != null).count(), "round " + round);
        }
    }

    @Test
    void parallelSubmissionsWithOneKeyMakeOneRowAndOneEvent() throws Exception {
        String key = "k-" + UUID.randomUUID();
        List<JobRecord> got = race(16, () -> submit("t4", key, 100));
        Set<UUID> ids = new HashSet<>();
        got.forEach(r -> ids.add(r.id()));
        assertEquals(1, ids.size());
        UUID id = ids.iterator().next();
        assertEquals(1, count("SELECT count(*) FROM jobs WHERE tenant = 't4' AND idempotency_key = ?", key));
        assertEquals(1, count("SELECT count(*) FROM job_events WHERE job_id = ? AND kind = 'status'", id));
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ?", id.toString()));
    }

    @Test
    void theActiveQuotaIsExactUnderParallelSubmissions() throws Exception {
        List<JobStore.Submitted> got = race(16, () -> jobs.submit(new JobStore.NewJob("t5", JobType.TRAIN,
                Json.object(), "builtin:moons", null, 2, null, null, 5)));
        assertEquals(5, got.stream().filter(JobStore.Submitted::created).count());
        assertEquals(11, got.stream().filter(JobStore.Submitted::overQuota).count());
        assertEquals(5, count("SELECT count(*) FROM jobs WHERE tenant = 't5'"));
    }

    @Test
    void theRunningQuotaHoldsAJobQueuedAndOffersItAgain() {
        new QuotaStore(db, Config.from(Map.of(Settings.DB_URL.name(), "x", Settings.KAFKA.name(), "x",
                Settings.S3_ENDPOINT.name(), "http://x", Settings.S3_ACCESS_KEY.name(), "x",
                Settings.S3_SECRET_KEY.name(), "x"))).put("t6", Json.object().put("running_jobs", 1));
        JobRecord first = submit("t6", null, 100);
        JobRecord second = submit("t6", null, 100);
        assertNotNull(jobs.claim(first.id(), "w1", 30));
        assertNull(jobs.claim(second.id(), "w2", 30), "the quota holds it back");
        JobRecord held = jobs.get("t6", second.id()).orElseThrow();
        assertEquals(JobStatus.QUEUED, held.status());
        assertEquals(0, held.attempt(), "no attempt spent");
        assertTrue(held.progress().path("message").asText().startsWith("waiting:"), held.progress().toString());
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ?"
                + " AND available_at > now() + interval '3 seconds'", second.id().toString()), "offered again later");
    }

    @Test
    void retriesWaitTheirBackoffAndTheLastAttemptDeadLetters() {
        JobRecord j = submit("t7", null, 100); // max_attempts 2
        jobs.claim(j.id(), "w1", 30);
        assertTrue(jobs.fail(j.id(), "w1", 1, Json.object().put("code", "internal").put("message", "m"), true, 4));
        assertEquals(JobStatus.QUEUED, jobs.get("t7", j.id()).orElseThrow().status());
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ? AND available_at > now() + interval"
                + " '2.5 seconds' AND available_at < now() + interval '5.5 seconds'", j.id().toString()),
                "backoff of 4 s, +-25%");
        jobs.claim(j.id(), "w1", 1);
        db.run(c -> c.createStatement().executeUpdate("UPDATE jobs SET lease_until = now() - interval '1 second'"
                + " WHERE id = '" + j.id() + "'"));
        assertTrue(jobs.reapExpired(0, 100) >= 1);
        JobRecord end = jobs.get("t7", j.id()).orElseThrow();
        assertEquals(JobStatus.FAILED, end.status());
        assertEquals("lease_expired", end.error().path("code").asText());
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE topic = 'pfgm.jobs.dlq' AND message_key = ?",
                j.id().toString()), "dead-lettered");
    }

    @Test
    void aCancellingJobWhoseWorkerDiedEndsCancelled() {
        JobRecord j = submit("t8", null, 100);
        jobs.claim(j.id(), "w1", 1);
        jobs.cancel("t8", j.id());
        db.run(c -> c.createStatement().executeUpdate("UPDATE jobs SET lease_until = now() - interval '1 second'"
                + " WHERE id = '" + j.id() + "'"));
        jobs.reapExpired(0, 100);
        assertEquals(JobStatus.CANCELLED, jobs.get("t8", j.id()).orElseThrow().status());
    }

    /** Runs every path through the store and checks each status change it made against JobTransition. */
    @Test
    void theStoreMakesExactlyTheDeclaredTransitions() {
        List<UUID> ids = new ArrayList<>();
        JobRecord done = submit("t9", null, 100);
        jobs.claim(done.id(), "w1", 30);
        jobs.succeed(done.id(), "w1", 1, Json.object(), Json.object(), null);
        JobRecord queued = submit("t9", null, 100);
        jobs.cancel("t9", queued.id());
        JobRecord stopped = submit("t9", null, 100);
        jobs.claim(stopped.id(), "w1", 30);
        jobs.cancel("t9", stopped.id());
        jobs.cancelled(stopped.id(), "w1", 1);
        JobRecord retried = submit("t9", null, 100); // two attempts: a retry, then out of attempts
        jobs.claim(retried.id(), "w1", 30);
        jobs.fail(retried.id(), "w1", 1, Json.object().put("code", "internal").put("message", "one"), true, 0);
        jobs.claim(retried.id(), "w1", 30);
        jobs.fail(retried.id(), "w1", 2, Json.object().put("code", "internal").put("message", "two"), true, 0);
        ids.addAll(List.of(done.id(), queued.id(), stopped.id(), retried.id()));

        Set<JobTransition> made = EnumSet.noneOf(JobTransition.class);
        for (UUID id : ids) {
            JobStatus at = null; // the first status event is the submission's: queued
            for (JobStore.Event e : jobs.events(id, 0, 100)) {
                if (!e.kind().equals("status")) {
                    continue;
                }
                JobStatus next = JobStatus.parse(e.data().path("status").asText());
                if (at == null) {
                    assertEquals(JobStatus.QUEUED, next, "a job starts queued");
                    at = next;
                    continue;
                }
                JobTransition t = JobTransition.of(at, next);
                assertNotNull(t, id + ": " + at + " -> " + next + " is not declared");
                made.add(t);
                at = next;
            }
            assertTrue(at.terminal(), id + " ended");
        }
        assertEquals(EnumSet.allOf(JobTransition.class), made, "every declared transition is one the store makes");
    }

    @Test
    void everyFailedAttemptKeepsItsError() {
        JobRecord j = submit("t10", null, 100);
        jobs.claim(j.id(), "w1", 30);
        jobs.fail(j.id(), "w1", 1, Json.object().put("code", "internal").put("message", "first"), true, 0);
        jobs.claim(j.id(), "w2", 30);
        jobs.fail(j.id(), "w2", 2, Json.object().put("code", "non_finite").put("message", "second"), false, 0);
        JobRecord end = jobs.get("t10", j.id()).orElseThrow();
        assertEquals(JobStatus.FAILED, end.status());
        assertEquals(2, end.errors().size(), end.errors().toString());
        assertEquals(1, end.errors().get(0).path("attempt").asInt());
        assertEquals("first", end.errors().get(0).path("message").asText());
        assertEquals(2, end.errors().get(1).path("attempt").asInt());
        assertEquals("non_finite", end.errors().get(1).path("code").asText());
        assertTrue(end.errors().get(1).hasNonNull("at"));
        assertEquals("second", end.error().path("message").asText(), "error is the last attempt's");
    }

    /**
     * A stopping worker's hand-back queues the job at once without spending its attempts, ten times;
     * after that a hand-back counts, so a job whose running stops its workers still ends.
     */
    @Test
    void aHandBackGivesTheAttemptBackTenTimesAndThenCounts() {
        JobRecord j = submit("t11", null, 100); // max_attempts 2
        ObjectNode stopped = Json.object().put("code", "worker_stopped").put("message", "w stopped").put("retryable", true);
        for (int k = 1; k <= JobStore.GIVEN_BACK_LIMIT; k++) {
            assertEquals(k, jobs.claim(j.id(), "w" + k, 30).attempt());
            assertTrue(jobs.handBack(j.id(), "w" + k, k, stopped));
            JobRecord back = jobs.get("t11", j.id()).orElseThrow();
            assertEquals(JobStatus.QUEUED, back.status(), "queued again after hand-back " + k);
            assertEquals(2 + k, back.maxAttempts(), "the attempt is given back");
        }
        assertEquals(JobStore.GIVEN_BACK_LIMIT + 1, count("SELECT count(*) FROM outbox WHERE message_key = ?"
                + " AND available_at <= now()", j.id().toString()), "each offered again at once (and the submission's)");
        // the limit reached: an 11th hand-back spends attempt 11 of 12, a 12th the last one
        jobs.claim(j.id(), "x", 30);
        assertTrue(jobs.handBack(j.id(), "x", 11, stopped));
        assertEquals(JobStatus.QUEUED, jobs.get("t11", j.id()).orElseThrow().status());
        jobs.claim(j.id(), "y", 30);
        assertTrue(jobs.handBack(j.id(), "y", 12, stopped));
        JobRecord end = jobs.get("t11", j.id()).orElseThrow();
        assertEquals(JobStatus.FAILED, end.status());
        assertEquals(12, end.maxAttempts());
        assertEquals(12, end.errors().size(), "every hand-back is in the job's errors");
        assertTrue(end.errors().get(0).path("message").asText().endsWith("the attempt is given back"), end.errors().toString());
        assertTrue(end.error().path("message").asText().contains("it counts (10 attempts were given back already)"
                + " (attempt 12 of 12, no attempts left)"), end.error().toString());
        assertFalse(jobs.handBack(j.id(), "y", 12, stopped), "an ended attempt is not handed back twice");

        JobRecord cancelling = submit("t11", null, 100);
        jobs.claim(cancelling.id(), "w", 30);
        jobs.cancel("t11", cancelling.id());
        assertTrue(jobs.handBack(cancelling.id(), "w", 1, stopped));
        JobRecord c = jobs.get("t11", cancelling.id()).orElseThrow();
        assertEquals(JobStatus.CANCELLED, c.status(), "a job asked to cancel ends when handed back");
        assertEquals(2, c.maxAttempts());
    }

    /** A shard handed back on its only attempt is queued again, where it failed its synthesis before. */
    @Test
    void aShardHandedBackKeepsItsAttempts() {
        ShardStore shards = new ShardStore(db);
        JobRecord j = jobs.submit(new JobStore.NewJob("t12", JobType.SYNTHESIZE, Json.object(), null, null, 1, null,
                null, 100)).job();
        jobs.claim(j.id(), "planner", 30);
        assertTrue(shards.plan(j.id(), "planner", 1, Json.object(), 10, 10, 1));
        assertEquals(1, shards.claim(j.id(), 0, "w", 30).attempt());
        ObjectNode stopped = Json.object().put("code", "worker_stopped").put("message", "w stopped").put("retryable", true);
        assertTrue(shards.handBack(j.id(), 0, "w", 1, stopped));
        assertEquals(1, count("SELECT count(*) FROM shards WHERE job_id = ? AND status = 'queued' AND attempt = 1"
                + " AND max_attempts = 2 AND given_back = 1", j.id()));
        assertEquals(JobStatus.RUNNING, jobs.get("t12", j.id()).orElseThrow().status());
        assertEquals(2, shards.claim(j.id(), 0, "v", 30).attempt(), "claimed again");
    }

    /** The database this test migrated from empty: the constraints the state machine relies on are there, by name. */
    @Test
    void theMigratedSchemaEnforcesTheJobInvariants() {
        for (String name : List.of("queued_has_no_lease", "failed_has_error", "running_has_lease", "terminal_has_finish",
                "succeeded_has_result", "attempts_bounded", "errors_is_a_list")) {
            assertEquals(1, count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'jobs'::regclass AND conname = ?",
                    name), name);
        }
        assertEquals(0, count("SELECT count(*) FROM flyway_schema_history WHERE NOT success"), "every migration applied");
        JobRecord j = submit("t11", null, 100);
        String leased = "UPDATE jobs SET lease_owner = 'w', lease_until = now() WHERE id = '" + j.id() + "'";
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> db.run(c -> c.createStatement().executeUpdate(leased)));
        assertTrue(String.valueOf(rootMessage(e)).contains("queued_has_no_lease"), rootMessage(e));
        jobs.claim(j.id(), "w1", 30);
        String noError = "UPDATE jobs SET status = 'failed', finished_at = now(), lease_owner = NULL, lease_until = NULL"
                + " WHERE id = '" + j.id() + "'";
        e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> db.run(c -> c.createStatement().executeUpdate(noError)));
        assertTrue(String.valueOf(rootMessage(e)).contains("failed_has_error"), rootMessage(e));
    }

    /**
     * Where SQL must spell statuses out (a partial index's predicate, and the query that has to use
     * it: a parameter there cost a sequential read of the tenant's jobs), it spells JobStatus's sets.
     */
    @Test
    void statusListsWrittenInTheSchemaAreTheDeclaredOnes() {
        assertEquals(wireNames(JobStatus.UNFINISHED), quoted(text(
                "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'jobs_tenant_unfinished'::regclass")));
        assertEquals(wireNames(JobStatus.ACTIVE), quoted(text(
                "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'jobs_leased'::regclass")));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("status IN \\(([^)]*)\\)")
                .matcher(text("SELECT prosrc FROM pg_proc WHERE proname = 'submit_job'"));
        assertTrue(m.find(), "submit_job counts unfinished jobs with a written list");
        assertEquals(wireNames(JobStatus.UNFINISHED), quoted(m.group(1)));
    }

    private static Set<String> wireNames(Set<JobStatus> statuses) {
        Set<String> names = new HashSet<>();
        statuses.forEach(s -> names.add(s.wireName()));
        return names;
    }

    private static Set<String> quoted(String sql) {
        Set<String> words = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([a-z_]+)'").matcher(sql);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }

    private String text(String sql) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                String v = rs.getString(1);
                assertFalse(rs.next(), "one row: " + sql);
                return v;
            }
        });
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** A model row for {@code tenant}, registered by a train job of its own (models reference their job). */
    private UUID model(String tenant) {
        JobRecord train = submit(tenant, null, 1000);
        UUID id = UUID.randomUUID();
        count("WITH m AS (INSERT INTO models (id, tenant, job_id, dataset, dim, settings, metrics, object_key)"
                + " VALUES (?, ?, ?, 'builtin:moons', 2, '{}', '{}', 'models/x') RETURNING 1) SELECT count(*) FROM m",
                id, tenant, train.id());
        return id;
    }

    private JobStore.Submitted generate(String tenant, UUID model) {
        return jobs.submit(new JobStore.NewJob(tenant, JobType.GENERATE, Json.object().put("count", 1), null, model, 2,
                null, null, 1000));
    }

    /**
     * A delete and a submission naming the same model, each caught in the middle: the delete waits for
     * the submission and then keeps the model (409), or the submission waits for the delete and is
     * refused (nothing written). A third fuzzing round found both answered 204 and 202, and the job
     * failed on its worker for want of the model.
     */
    @Test
    void aModelAndAJobNamingItAreNeverDeletedAndAcceptedAtOnce() throws Exception {
        ModelStore models = new ModelStore(db);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            UUID kept = model("t-race");
            try (java.sql.Connection c = db.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM submit_job(?, 't-race', 'generate', 2,"
                        + " '{}'::jsonb, NULL, ?, NULL, NULL, 'pfgm.jobs.generate', 1000, NULL, NULL::jsonb, NULL,"
                        + " '{}'::jsonb, NULL)")) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, kept);
                    ps.executeQuery().close();
                }
                Future<java.util.Optional<GuardedChange.Outcome<String>>> delete = pool.submit(() -> models.delete("t-race", kept));
                Thread.sleep(500);
                assertFalse(delete.isDone(), "the delete waits for the submission writing a job that names the model");
                c.commit();
                GuardedChange.Outcome<String> d = delete.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
                assertFalse(d.done(), "kept: a queued job needs it");
                assertNotNull(d.busyWith());
            }
            UUID gone = model("t-race");
            long before = count("SELECT count(*) FROM jobs WHERE model_id = ?", gone);
            try (java.sql.Connection c = db.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM models WHERE id = ? FOR UPDATE")) {
                    ps.setObject(1, gone);
                    ps.executeQuery().close();
                }
                Future<JobStore.Submitted> submit = pool.submit(() -> generate("t-race", gone));
                Thread.sleep(500);
                assertFalse(submit.isDone(), "the submission waits for the delete holding the model");
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM models WHERE id = ?")) {
                    ps.setObject(1, gone);
                    ps.executeUpdate();
                }
                c.commit();
                JobStore.Submitted s = submit.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("/model", s.missing(), s.toString());
                assertNull(s.job());
            }
            assertEquals(before, count("SELECT count(*) FROM jobs WHERE model_id = ?", gone), "no job written");
            // and unraced: a job for a model that exists is written, one for a missing model refused
            assertTrue(generate("t-race", model("t-race")).created());
            assertEquals("/model", generate("t-race", UUID.randomUUID()).missing());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A dataset a queued job names is kept (its jobs failed for want of it), and one deleted as a job
     * naming it is submitted refuses the job, as for models.
     */
    @Test
    void aDatasetAQueuedJobUsesIsKeptAndOneDeletedFirstRefusesTheJob() throws Exception {
        DatasetStore datasets = new DatasetStore(db);
        UUID used = dataset("t-ds");
        JobRecord train = jobs.submit(new JobStore.NewJob("t-ds", JobType.TRAIN, Json.object().put("steps", 1),
                used.toString().toUpperCase(java.util.Locale.ROOT), null, 2, null, null, 1000)).job();
        GuardedChange.Outcome<String> kept = datasets.delete("t-ds", used).orElseThrow();
        assertFalse(kept.done());
        assertEquals(train.id(), kept.busyWith());
        UUID evalTrain = dataset("t-ds");
        jobs.submit(new JobStore.NewJob("t-ds", JobType.EVAL, Json.object().put("train", evalTrain.toString()),
                "builtin:discs", null, 2, null, null, 1000));
        assertEquals(false, datasets.delete("t-ds", evalTrain).orElseThrow().done(), "an eval's training set too");
        UUID heldOut = dataset("t-ds");
        jobs.submit(new JobStore.NewJob("t-ds", JobType.SYNTHESIZE, Json.object().put("count", 10).put("held_out",
                heldOut.toString()), null, null, 2, null, null, 1000));
        assertEquals(false, datasets.delete("t-ds", heldOut).orElseThrow().done(), "and a synthesis report's held-out rows");
        UUID free = dataset("t-ds");
        assertTrue(datasets.delete("t-ds", free).orElseThrow().done());
        assertTrue(datasets.delete("t-ds", free).isEmpty());
        // deleted first: the submission is refused and writes nothing
        JobStore.Submitted s = jobs.submit(new JobStore.NewJob("t-ds", JobType.TRAIN, Json.object().put("steps", 1),
                free.toString(), null, 2, null, null, 1000));
        assertEquals("/dataset", s.missing(), s.toString());
        assertEquals(0, count("SELECT count(*) FROM jobs WHERE dataset = ?", free.toString()));
    }

    /**
     * What a job's params name is held as its dataset is: a classifier job an unfinished job uses is
     * kept (409), and a submission naming a held-out dataset or a classifier job deleted first is
     * refused naming the field. Both went through, and the job failed after all its sampling.
     */
    @Test
    void whatParamsNameIsKeptWhileAJobUsesItAndRefusedWhenGone() {
        JobRecord cls = jobs.submit(new JobStore.NewJob("t-par", JobType.CLASSIFIER, Json.object(), null, null, 2, null,
                null, 1000)).job();
        assertTrue(jobs.cancel("t-par", cls.id()).isPresent()); // a finished job of its own
        JobRecord syn = jobs.submit(new JobStore.NewJob("t-par", JobType.SYNTHESIZE, Json.object().put("count", 10)
                .put("classifier", cls.id().toString().toUpperCase(java.util.Locale.ROOT)), null, null, 2, null, null,
                1000)).job();
        assertEquals(JobStore.Deletion.IN_USE, jobs.delete("t-par", cls.id()));
        assertTrue(jobs.cancel("t-par", syn.id()).isPresent());
        assertEquals(JobStore.Deletion.DELETED, jobs.delete("t-par", cls.id()), "once that job has ended");
        JobStore.Submitted gone = jobs.submit(new JobStore.NewJob("t-par", JobType.SYNTHESIZE, Json.object()
                .put("count", 10).put("classifier", cls.id().toString()), null, null, 2, null, null, 1000));
        assertEquals("/params/classifier", gone.missing(), gone.toString());
        UUID held = dataset("t-par");
        assertTrue(new DatasetStore(db).delete("t-par", held).orElseThrow().done());
        gone = jobs.submit(new JobStore.NewJob("t-par", JobType.SYNTHESIZE, Json.object().put("count", 10)
                .put("held_out", held.toString()), null, null, 2, null, null, 1000));
        assertEquals("/params/held_out", gone.missing(), gone.toString());
        assertEquals(0, count("SELECT count(*) FROM jobs WHERE tenant = 't-par' AND status = 'queued'"));
    }

    /** New labels wait for the end of the queued and running jobs that use the dataset, and say what they replace. */
    @Test
    void labelsChangeOnlyWhileNoUnfinishedJobUsesTheDataset() {
        DatasetStore datasets = new DatasetStore(db);
        UUID images = dataset("t-lab");
        count("WITH d AS (UPDATE datasets SET kind = 'images', channels = 1, height = 1, width = 2 WHERE id = ? RETURNING 1) SELECT count(*) FROM d", images);
        var first = datasets.setLabels("t-lab", images, "k1", "csv", new int[] {5, 5}).orElseThrow();
        assertTrue(first.done());
        assertNull(first.result().replacedKey());
        assertEquals("k1", first.result().dataset().labels().key());
        JobRecord train = jobs.submit(labelled("t-lab", images, "k1", null)).job();
        var refused = datasets.setLabels("t-lab", images, "k2", "csv", new int[] {9, 1}).orElseThrow();
        assertFalse(refused.done());
        assertEquals(train.id(), refused.busyWith());
        assertEquals("k1", datasets.get("t-lab", images).orElseThrow().labels().key(), "unchanged");
        jobs.cancel("t-lab", train.id());
        var second = datasets.setLabels("t-lab", images, "k2", "csv", new int[] {9, 1}).orElseThrow();
        assertTrue(second.done());
        assertEquals("k1", second.result().replacedKey());
        assertTrue(datasets.setLabels("other", images, "k3", "csv", new int[] {1}).isEmpty(), "another tenant's");
    }

    /**
     * A submission checked against labels that were replaced before it was written (POST labels
     * between the gateway's checks and submit_job) is refused and writes nothing; a replay of an
     * idempotency key still finds its job.
     */
    @Test
    void aJobCheckedAgainstReplacedLabelsIsRefused() {
        DatasetStore datasets = new DatasetStore(db);
        UUID images = dataset("t-rel");
        count("WITH d AS (UPDATE datasets SET kind = 'images', channels = 1, height = 1, width = 2 WHERE id = ? RETURNING 1) SELECT count(*) FROM d", images);
        assertTrue(datasets.setLabels("t-rel", images, "k1", "csv", new int[] {5, 5}).orElseThrow().done());
        JobStore.Submitted first = jobs.submit(labelled("t-rel", images, "k1", "key-1"));
        assertTrue(first.created(), first.toString());
        jobs.cancel("t-rel", first.job().id());
        assertTrue(datasets.setLabels("t-rel", images, "k2", "csv", new int[] {9, 1}).orElseThrow().done());
        JobStore.Submitted stale = jobs.submit(labelled("t-rel", images, "k1", null));
        assertTrue(stale.labelsChanged(), stale.toString());
        assertNull(stale.job());
        JobStore.Submitted unlabelledCheck = jobs.submit(labelled("t-rel", images, null, null));
        assertTrue(unlabelledCheck.labelsChanged(), "checked before any labels: " + unlabelledCheck);
        assertEquals(1, count("SELECT count(*) FROM jobs WHERE tenant = 't-rel'"), "nothing written");
        JobStore.Submitted replay = jobs.submit(labelled("t-rel", images, "k1", "key-1"));
        assertEquals(first.job().id(), replay.job().id(), replay.toString());
        assertFalse(replay.labelsChanged());
        assertTrue(jobs.submit(labelled("t-rel", images, "k2", null)).created(), "checked against today's labels");
    }

    private static JobStore.NewJob labelled(String tenant, UUID dataset, String labelsKey, String idempotencyKey) {
        return new JobStore.NewJob(tenant, JobType.TRAIN, Json.object().put("steps", 1), dataset.toString(), null, 2,
                idempotencyKey, idempotencyKey == null ? null : "h", 1000, null, null, null, labelsKey);
    }

    private UUID dataset(String tenant) {
        UUID id = UUID.randomUUID();
        count("WITH d AS (INSERT INTO datasets (id, tenant, name, format, count, dim, bytes, sha256, object_key)"
                + " VALUES (?, ?, 'd', 'csv', 10, 2, 100, 'x', 'datasets/x') RETURNING 1) SELECT count(*) FROM d", id,
                tenant);
        return id;
    }
}
