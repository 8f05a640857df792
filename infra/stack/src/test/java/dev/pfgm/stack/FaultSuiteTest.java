package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.job.JobType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under load on a real stack, each scenario bounded in time and printing submitted /
 * acknowledged / succeeded / failed / lost / duplicated, with lost = duplicated = 0 asserted.
 * Acknowledged: answered 202. Lost: acknowledged but missing or not finished after the wait.
 * Duplicated: a job that succeeded twice, or ran two attempts at once. Processes killed or paused
 * are gateways and workers in JVMs of their own (ChildJvm); the 60 s storage outage is OutageTest's.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
    private static final int PARTITIONS = 4;
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http api;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 2, Map.of(
                Settings.TOPIC_PARTITIONS.name(), Integer.toString(PARTITIONS),
                Settings.LEASE_SECONDS.name(), "4", Settings.REAPER_MILLIS.name(), "300",
                Settings.RETRY_BACKOFF_SECONDS.name(), "1",
                // a killed or paused worker's partitions move after the shortest session Kafka allows
                Settings.KAFKA_SESSION_MS.name(), "6000",
                // jobs pile up while the broker is away: the suite's load is not what the quota is for
                Settings.QUOTA_ACTIVE_JOBS.name(), "100000")));
        api = new Http(stack.url(), stack.adminKey());
    }

    /** The counts of one scenario. */
    record Counts(String scenario, int submitted, int acknowledged, int succeeded, int failed, int lost, int duplicated) {
        void print() {
            System.out.printf("fault suite: %s: submitted=%d acknowledged=%d succeeded=%d failed=%d lost=%d duplicated=%d%n",
                    scenario, submitted, acknowledged, succeeded, failed, lost, duplicated);
        }
    }

    private Counts settle(String scenario, int submitted, List<String> acknowledged, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int succeeded = 0;
        int failed = 0;
        int lost = 0;
        int duplicated = 0;
        for (String id : acknowledged) {
            JsonNode j = null;
            while (System.nanoTime() < deadline) {
                Http.Res r = api.get("/v1/jobs/" + id);
                if (r.status() == 200 && r.json().path("terminal").asBoolean()) {
                    j = r.json();
                    break;
                }
                Thread.sleep(200);
            }
            if (j == null) {
                lost++;
                continue;
            }
            succeeded += j.path("status").asText().equals("succeeded") ? 1 : 0;
            failed += j.path("status").asText().equals("failed") ? 1 : 0;
            int successes = 0;
            int open = 0;
            int maxOpen = 0;
            for (JsonNode e : api.get("/v1/jobs/" + id + "/events?after=0&limit=1000").json().path("data")) {
                String s = e.path("data").path("status").asText();
                if (!e.path("kind").asText().equals("status")) {
                    continue;
                }
                successes += s.equals("succeeded") ? 1 : 0;
                open += s.equals("running") ? 1 : s.equals("queued") && open > 0 ? -1 : 0;
                maxOpen = Math.max(maxOpen, open);
            }
            duplicated += successes > 1 || maxOpen > 1 ? 1 : 0;
        }
        Counts c = new Counts(scenario, submitted, acknowledged.size(), succeeded, failed, lost, duplicated);
        c.print();
        assertEquals(0, c.lost(), c.toString());
        assertEquals(0, c.duplicated(), c.toString());
        return c;
    }

    private static final Map<String, Object> SMALL = Map.of("type", "train", "dataset", "builtin:moons",
            "params", Map.of("steps", 20));

    @Test
    @Order(1)
    void poisonMessagesOnEveryTopicAreDeadLetteredAndThePartitionsMoveOn() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(Settings.KAFKA));
        int poison = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (JobType t : JobType.values()) {
                for (int part = 0; part < PARTITIONS; part++) {
                    String[] bodies = {"not json at all", "{\"job_id\": \"no-uuid\"}", null};
                    for (String body : bodies) {
                        producer.send(new ProducerRecord<>(t.topic(), part, "poison", body)).get();
                        poison++;
                    }
                }
            }
        }
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            acknowledged.add(ServiceTest.submit(api, SMALL));
        }
        settle("poison messages (" + poison + " on " + JobType.values().length + " topics)", 8, acknowledged, 120);
        // every poison message reaches the dead-letter topic through the outbox
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long dead = 0;
        while (System.nanoTime() < deadline && dead < poison) {
            dead = stack.countDeadLettered();
            Thread.sleep(300);
        }
        assertEquals(poison, dead, "dead-lettered");
    }

    /**
     * Submissions every {@code paceMillis} while {@code outage} runs; only 202 and 503 are acceptable
     * answers.
     */
    private Counts underLoad(String scenario, int paceMillis, Outage outage) throws Exception {
        Submitter client = new Submitter(api, paceMillis, false);
        Thread.sleep(2000);
        outage.run();
        Thread.sleep(4000);
        client.stop();
        Counts c = settle(scenario, client.submitted(), client.acknowledged(), 180);
        assertEquals(c.acknowledged(), c.succeeded() + c.failed());
        return c;
    }

    /**
     * A client posting {@link #SMALL} jobs every {@code paceMillis} from its own thread until stopped,
     * keeping the ids acknowledged (202). An outage may answer 503; any other answer is unexpected,
     * and so is a request that fails, unless the gateway is to be killed ({@code gatewayDies}: then
     * the client stops at the first failed request, whose job was not acknowledged).
     */
    private static final class Submitter {
        private final List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger submitted = new AtomicInteger();
        private final AtomicBoolean go = new AtomicBoolean(true);
        private final Thread thread;

        Submitter(Http api, int paceMillis, boolean gatewayDies) {
            thread = new Thread(() -> {
                while (go.get()) {
                    submitted.incrementAndGet();
                    try {
                        Http.Res r = api.postJson("/v1/jobs", SMALL);
                        if (r.status() == 202) {
                            acknowledged.add(r.json().path("id").asText());
                        } else if (r.status() != 503) {
                            unexpected.add(r.toString());
                        }
                    } catch (AssertionError e) {
                        if (gatewayDies) {
                            return;
                        }
                        unexpected.add(e.getMessage()); // the gateway itself stays up
                    }
                    try {
                        Thread.sleep(paceMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fault-client");
            thread.start();
        }

        /** Stops the client and checks that every answer was 202 or 503. */
        void stop() throws InterruptedException {
            go.set(false);
            thread.join();
            assertTrue(unexpected.isEmpty(), unexpected.size() + " answers other than 202/503, first: "
                    + unexpected.subList(0, Math.min(2, unexpected.size())));
        }

        int submitted() {
            return submitted.get();
        }

        List<String> acknowledged() {
            return new ArrayList<>(acknowledged);
        }
    }

    @FunctionalInterface
    interface Outage {
        void run() throws Exception;
    }

    @Test
    @Order(2)
    void aPostgresRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
        Counts c = underLoad("PostgreSQL restart under load", 50, () -> {
            stack.stopDatabase();
            Thread.sleep(5000);
            stack.startDatabase();
        });
        assertTrue(c.acknowledged() < c.submitted(), "some were refused during the outage: " + c);
    }

    @Test
    @Order(3)
    void aKafkaRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
        // submissions go on being acknowledged (the outbox keeps them) and run once the broker is back;
        // paced at 100 ms, as none waits on the broker: ~110 jobs to settle rather than ~220
        Counts c = underLoad("Kafka broker restart under load", 100, () -> {
            stack.stopKafka();
            Thread.sleep(5000);
            stack.startKafka();
        });
        assertEquals(c.submitted(), c.acknowledged(), "the broker is not on the submission path: " + c);
    }

    // ---- processes killed, paused, or run out of memory ----

    private final List<Process> children = new ArrayList<>();

    @AfterAll
    void stopChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private Process worker(String id, String... javaOptions) throws Exception {
        Process p = ChildJvm.worker(stack.envFile(), List.of(javaOptions), Map.of("PFGM_WORKER_ID", id),
                tmp.resolve(id + ".log"));
        children.add(p);
        return p;
    }

    /** A gateway in its own JVM, and its client once it listens. */
    private record ChildGateway(Process process, Http api) {
    }

    private ChildGateway gateway(String name) throws Exception {
        Path log = tmp.resolve(name + ".log");
        Process p = ChildJvm.gateway(stack.envFile(), 0, List.of("-Xmx256m"), Map.of(), log);
        children.add(p);
        return new ChildGateway(p, new Http(ChildJvm.awaitListening(p, log, 60), stack.adminKey()));
    }

    private static void signal(Process p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    /** The worker named in the job's latest running event. */
    private String runningOn(String id) {
        String worker = null;
        for (JsonNode e : api.get("/v1/jobs/" + id + "/events?after=0&limit=1000").json().path("data")) {
            if (e.path("data").path("status").asText().equals("running")) {
                worker = e.path("data").path("worker").asText();
            }
        }
        return worker;
    }

    private long outboxUnsent() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(stack.config().get(Settings.DB_URL),
                stack.config().get(Settings.DB_USER), stack.config().get(Settings.DB_PASSWORD));
                var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM outbox WHERE sent_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static final Map<String, Object> LONG = Map.of("type", "train", "dataset", "builtin:moons",
            "params", Map.of("steps", 1000));

    @Test
    @Order(4)
    void aWorkerKilledMidJobLosesAndDuplicatesNothing() throws Exception {
        stack.stopWorkers();
        Map<String, Process> workers = Map.of("fault-w1", worker("fault-w1"), "fault-w2", worker("fault-w2"));
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            acknowledged.add(ServiceTest.submit(api, LONG));
        }
        // the first job to get past a tenth of its steps: its worker is killed in the middle of it
        String victim = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (victim == null && System.nanoTime() < deadline) {
            for (String id : acknowledged) {
                JsonNode j = api.get("/v1/jobs/" + id).json();
                if (j.path("status").asText().equals("running") && j.path("progress").path("completed").asDouble() >= 100) {
                    victim = id;
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(victim != null, "no job got going");
        Process killed = workers.get(runningOn(victim));
        killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no hand-back
        stack.addWorker();
        settle("worker SIGKILLed mid-job (6 jobs of 1,000 steps)", 6, acknowledged, 300);
        JsonNode j = api.get("/v1/jobs/" + victim).json();
        assertEquals("succeeded", j.path("status").asText(), j.toString());
        assertEquals(2, j.path("attempt").asInt(), "the killed attempt's lease expired and a second one ran");
        workers.values().forEach(Process::destroy);
    }

    @Test
    @Order(5)
    void aGatewayKilledBetweenInsertAndPublishLosesNothing() throws Exception {
        ChildGateway g = gateway("fault-gateway");
        Http child = g.api();
        // paced as the PostgreSQL case: ~40 rows left unsent, not ~300 jobs to settle
        Submitter client = new Submitter(child, 50, true);
        Thread.sleep(2000);
        // with the broker away, the gateway goes on committing jobs and their outbox rows, and
        // cannot publish them: it is killed with them inserted and not yet sent
        stack.stopKafka();
        Thread.sleep(2000);
        long unsent = outboxUnsent();
        g.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        client.stop();
        assertTrue(unsent > 0, "rows were left unpublished at the kill");
        stack.startKafka();
        // the surviving gateway's relay publishes what the dead one left
        Counts c = settle("gateway SIGKILLed between insert and publish (" + unsent + " rows unsent at the kill)",
                client.submitted(), client.acknowledged(), 240);
        assertEquals(c.acknowledged(), c.succeeded(), c.toString());
    }

    @Test
    @Order(6)
    void aWorkerPausedPastItsLeaseIsRefusedWhenItWakes() throws Exception {
        stack.stopWorkers();
        Process paused = worker("fault-paused");
        String id = ServiceTest.submit(api, LONG);
        ServiceTest.waitFor(api, id, j -> j.path("status").asText().equals("running")
                && j.path("progress").path("completed").asDouble() >= 100, 120);
        signal(paused, "STOP");
        try {
            // its lease (4 s) runs out; the reaper hands the job back and another worker runs it
            stack.addWorker();
            ServiceTest.waitFor(api, id, j -> j.path("attempt").asInt() == 2 && j.path("status").asText().equals("running"),
                    60);
        } finally {
            signal(paused, "CONT");
        }
        JsonNode done = ServiceTest.waitTerminal(api, id, 180);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(2, done.path("attempt").asInt());
        Counts c = settle("worker SIGSTOPped past its lease, then woken", 1, List.of(id), 30);
        assertEquals(1, c.succeeded());
        // the woken worker's reports were refused: no progress event of attempt 1 after attempt 2
        // began, and the result's files are attempt 2's
        boolean second = false;
        for (JsonNode e : api.get("/v1/jobs/" + id + "/events?after=0&limit=1000").json().path("data")) {
            JsonNode d = e.path("data");
            second |= d.path("status").asText().equals("running") && d.path("attempt").asInt() == 2;
            if (second && e.path("kind").asText().equals("status")) {
                assertTrue(d.path("attempt").asInt() != 1, "an event of attempt 1 after attempt 2 began: " + e);
            }
        }
        String files = api.get("/v1/jobs/" + id).text() + api.get("/v1/jobs/" + id + "/artifacts").text();
        assertTrue(files.contains("/attempt-2/") && !files.contains("/attempt-1/"), files);
        // and it is still a worker: alone again, it runs the next job
        stack.stopWorkers();
        String next = ServiceTest.submit(api, SMALL);
        JsonNode n = ServiceTest.waitTerminal(api, next, 120);
        assertEquals("succeeded", n.path("status").asText(), n.toString());
        assertEquals("fault-paused", runningOn(next));
        assertTrue(paused.isAlive());
        paused.destroy();
        stack.addWorker();
    }

    @Test
    @Order(7)
    void aJobThatRunsItsWorkerOutOfMemoryFailsForGoodAndTheWorkerLivesOn() throws Exception {
        stack.stopWorkers();
        Process small = worker("fault-small", "-Xmx512m");
        // a 4096-wide network's weights and optimiser state do not fit in a 512 MiB heap; a batch
        // of 65,536 at 1,024 wide does not fit in the native memory ND4J may take either
        Map<String, Object> heap = Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 3, "hidden", 4096, "batch", 65536));
        Map<String, Object> offHeap = Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 3, "hidden", 1024, "batch", 65536, "large_batch", 65536));
        List<String> ids = List.of(ServiceTest.submit(api, heap), ServiceTest.submit(api, offHeap),
                ServiceTest.submit(api, SMALL));
        Counts c = settle("jobs that run their worker out of memory (heap, native)", 3, ids, 240);
        for (String id : ids.subList(0, 2)) {
            JsonNode j = api.get("/v1/jobs/" + id).json();
            assertEquals("failed", j.path("status").asText(), j.toString());
            assertEquals("out_of_memory", j.path("error").path("code").asText(), j.toString());
            assertTrue(j.path("attempt").asInt() <= 2, "permanent after one retry at most: " + j);
        }
        JsonNode after = api.get("/v1/jobs/" + ids.get(2)).json();
        assertEquals("succeeded", after.path("status").asText(), "the worker runs the next job: " + after);
        assertEquals("fault-small", runningOn(ids.get(2)));
        assertTrue(small.isAlive());
        assertEquals(1, c.succeeded());
        small.destroy();
        stack.addWorker();
    }
}
