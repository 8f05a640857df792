package dev.pfgm.worker;

import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.job.JobMessage;
import dev.pfgm.shared.job.Topics;
import dev.pfgm.shared.store.Database;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.QuotaStore;
import dev.pfgm.shared.store.ShardStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node. One consumer thread reads job messages (manual commits, one record at a time);
 * for each it tries to claim the job, or the shard of a synthesize job that the message names,
 * with a guarded UPDATE, which fails for duplicates and for work another worker holds. A worker
 * with nothing to read takes a queued shard straight from the database, so shards whose messages
 * wait in a busy worker's partitions still reach every idle worker. Once claimed, the work is the
 * database's to keep (a dead worker's lease expires and the reaper re-publishes it), so the message
 * is committed at once. The work runs on a job thread while the consumer keeps polling with its partitions paused; if it
 * is still running after the hand-off time, the worker leaves the consumer group until it ends,
 * so that idle workers take over its partitions and the jobs queued in them. A short job thus
 * costs no rebalance, and a long one does not hold up the jobs behind it. Shards are sized to take
 * under a minute, so a worker keeps its partitions through them: a synthesis costs no rebalances.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    public static final String GROUP = "workers";
    /** An idle worker looks for queued shards in the database this often (they are claimed from Kafka first). */
    private static final long STEAL_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private final String id;
    private final Database db;
    private final JobStore jobs;
    private final ShardStore shards;
    private final QuotaStore quotas;
    private final JobRunner runner;
    private final SynthesisRunner synthesis;
    private final WorkLoop loop;
    private final ExecutorService jobThread;
    private final ScheduledExecutorService reaper;
    private final Thread consumerThread;
    private final int leaseSeconds;
    private final int backoffSeconds;
    private volatile boolean running = true;
    private volatile Lease currentLease;
    private volatile String busyWith;
    private final WorkerMetrics metrics;
    private final AttemptTask.Context attempts;

    private Worker(Config config, Database db, ObjectStore objects, String id, Path scratch) {
        this.id = id;
        this.db = db;
        this.jobs = new JobStore(db, config.getLong(Settings.QUOTA_RUNNING_JOBS));
        this.quotas = new QuotaStore(db, config);
        this.shards = new ShardStore(db);
        this.leaseSeconds = config.getInt(Settings.LEASE_SECONDS);
        this.backoffSeconds = config.getInt(Settings.RETRY_BACKOFF_SECONDS);
        ModelStore models = new ModelStore(db);
        JobFiles files = new JobFiles(new DatasetStore(db), models, objects,
                dev.pfgm.shared.data.DataLimits.from(config));
        this.synthesis = new SynthesisRunner(jobs, shards, files, new ModelCache(models, objects, scratch), objects, id,
                scratch, leaseSeconds);
        this.runner = new JobRunner(objects, files, synthesis, new AnalysisRunner(jobs, objects, files), scratch);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pfgm-worker-" + id);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.getInt(Settings.KAFKA_SESSION_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, config.getInt(Settings.KAFKA_SESSION_MS) / 4));
        // An idle worker's fetch waits at the broker, which answers as soon as a message comes. At 50 ms
        // the empty fetches cost an idle stack half as much CPU again (7.3% of a core against 4.9%) and
        // started no job sooner (infra/bench/idle-cpu.sh, bench-service; docs/benchmarks.md).
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer());
        try {
            this.metrics = new WorkerMetrics(id);
            this.attempts = new AttemptTask.Context(jobs, runner, id, leaseSeconds, backoffSeconds, metrics);
            metrics.watch(consumer, db);
            this.jobThread = Executors.newSingleThreadExecutor(r -> daemon(r, "pfgm-job-" + id));
            this.reaper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pfgm-reaper-" + id));
            this.loop = new WorkLoop(consumer, Topics.work(), new WorkLoop.Work() {
                @Override
                public Task claim(ConsumerRecord<String, String> message) {
                    return Worker.this.claim(message);
                }

                @Override
                public Task steal() {
                    return Worker.this.steal();
                }

                @Override
                public void execute(Task task) {
                    Worker.this.execute(task);
                }
            }, jobThread, TimeUnit.SECONDS.toNanos(config.getInt(Settings.HANDOFF_SECONDS)), STEAL_IDLE_NANOS, id);
        } catch (RuntimeException | Error e) {
            consumer.close(); // never subscribed: closes at once (its thread would outlive the refused start)
            throw e;
        }
        this.consumerThread = new Thread(loop::run, "pfgm-consumer-" + id);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Connects to the database (migrating it), object storage and Kafka, and starts consuming. */
    public static Worker start(Config config) throws Exception {
        String id = config.get(Settings.WORKER_ID);
        if (id.isEmpty()) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "worker";
            }
            id = host + "-" + ProcessHandle.current().pid() + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        }
        String dir = config.get(Settings.WORK_DIR);
        Path scratch = dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "pfgm-worker") : Path.of(dir);
        try {
            // written to once before any job: a folder the worker could not write failed every job it
            // took, each attempt, while its /readyz said ok
            Files.createDirectories(scratch);
            Files.delete(Files.createTempFile(scratch, ".pfgm-probe-", ""));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(Settings.WORK_DIR.name() + ": cannot write in '" + scratch + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
        Database db = Database.open(config, "worker-" + id);
        Worker w;
        try {
            ObjectStore objects = new ObjectStore(config,
                    new dev.pfgm.shared.store.DependencyWait(config.getInt(Settings.DEPENDENCY_WAIT_SECONDS)));
            objects.ensureBucket();
            w = new Worker(config, db, objects, id, scratch);
        } catch (Throwable t) {
            db.close(); // a refused store or Kafka setting left the pool open in the process
            throw t;
        }
        w.consumerThread.start();
        int reapMillis = config.getInt(Settings.REAPER_MILLIS);
        var unused = w.reaper.scheduleWithFixedDelay(w::reap, reapMillis, reapMillis, TimeUnit.MILLISECONDS); // ends with close()
        LOG.info("worker {} started", id);
        return w;
    }

    public String id() {
        return id;
    }

    /** Whether this worker still takes work: its consumer loop runs. */
    public boolean alive() {
        return running && consumerThread.isAlive();
    }

    /** Whether it could record a job's end now: the database answers within 2 s. */
    public boolean databaseReachable() {
        return db.reachable();
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /** The job or shard it runs now, if any. */
    public String busyWith() {
        return busyWith;
    }

    private void reap() {
        try {
            int n = jobs.reapExpired(backoffSeconds, 100);
            int k = shards.reapExpired(backoffSeconds, 100);
            if (n + k > 0) {
                LOG.info("reaper: {} job(s) and {} shard(s) with expired leases handled", n, k);
            }
        } catch (RuntimeException e) {
            LOG.warn("reaper: {}", e.getMessage());
        }
    }

    /** The work a message names, claimed; null for a duplicate, or work another worker holds or finished. */
    private Task claim(ConsumerRecord<String, String> r) {
        UUID jobId;
        int shard;
        try {
            JobMessage msg = JobMessage.parse(r.value());
            jobId = msg.jobId();
            shard = msg.shard() == null ? -1 : msg.shard();
        } catch (RuntimeException e) {
            LOG.warn("worker {}: dead-lettering unreadable message at {}-{}@{}: {}", id, r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            try {
                JobTask.RECORD.run("dead-lettering a message", () -> jobs.deadLetterUnreadable(r.topic(), r.partition(),
                        r.offset(), r.value(), String.valueOf(e.getMessage())));
            } catch (RuntimeException stillDown) {
                LOG.error("worker {}: could not dead-letter {}-{}@{}: {}", id, r.topic(), r.partition(), r.offset(),
                        stillDown.getMessage());
            }
            return null;
        }
        for (int tries = 1;; tries++) {
            try {
                if (shard >= 0) {
                    ShardStore.ShardRecord s = shards.claim(jobId, shard, id, leaseSeconds);
                    return s == null ? null : shardTask(s);
                }
                JobRecord j = jobs.claim(jobId, id, leaseSeconds);
                return j == null ? null : new JobTask(j, deadline(j), attempts);
            } catch (RuntimeException e) {
                // the database is down: keep the message (do not commit) and retry
                if (!running) {
                    throw e;
                }
                LOG.warn("worker {}: claiming job {} failed (try {}): {}", id, jobId, tries, e.getMessage());
                sleep(Math.min(5000, 250L * tries));
            }
        }
    }

    /** When the tenant's job_seconds quota ends the job: counted from its first start, across attempts. */
    private java.time.Instant deadline(JobRecord j) {
        java.time.Instant start = j.startedAt() == null ? java.time.Instant.now() : j.startedAt().toInstant();
        long seconds;
        try {
            seconds = quotas.get(j.tenant()).jobSeconds();
        } catch (RuntimeException e) {
            seconds = quotas.defaults().jobSeconds(); // the job is claimed already: run it under the default
        }
        return start.plusSeconds(seconds);
    }

    private Task steal() {
        try {
            ShardStore.ShardRecord s = shards.claimAny(id, leaseSeconds);
            return s == null ? null : shardTask(s);
        } catch (RuntimeException e) {
            LOG.warn("worker {}: looking for queued shards failed: {}", id, e.getMessage());
            return null;
        }
    }

    private Task shardTask(ShardStore.ShardRecord s) {
        return new ShardTask(s, shards, synthesis, attempts);
    }

    private void execute(Task task) {
        LOG.info("worker {}: running {}", id, task.describe());
        busyWith = task.describe();
        try {
            task.run(lease -> {
                currentLease = lease;
                if (!running) {
                    lease.stopSoon();
                }
            });
        } finally {
            currentLease = null;
            busyWith = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops consuming; a running job stops at its next step and goes back to the queue at once. */
    @Override
    public void close() {
        running = false;
        Lease l = currentLease;
        if (l != null) {
            l.stopSoon();
        }
        loop.stop();
        try {
            consumerThread.join(40_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reaper.shutdownNow();
        jobThread.shutdownNow();
        db.close();
        LOG.info("worker {} stopped", id);
    }
}
