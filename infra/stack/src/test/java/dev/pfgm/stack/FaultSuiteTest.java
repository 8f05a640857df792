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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under load on a real stack, each scenario bounded in time and printing submitted /
 * acknowledged / succeeded / failed / lost / duplicated, with lost = duplicated = 0 asserted.
 * Acknowledged: answered 202. Lost: acknowledged but missing or not finished after the wait.
 * Duplicated: a job that succeeded twice, or ran two attempts at once. (Worker SIGKILL mid-job is
 * ServiceTest's, storage outages OutageTest's; the rest of the list is not here yet.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
    private static final int PARTITIONS = 4;
    @TempDir
    static Path tmp;
    Stack stack;
    Http api;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 2, Map.of(
                Settings.TOPIC_PARTITIONS.name(), Integer.toString(PARTITIONS),
                Settings.LEASE_SECONDS.name(), "4", Settings.REAPER_MILLIS.name(), "300",
                Settings.RETRY_BACKOFF_SECONDS.name(), "1",
                // jobs pile up while the broker is away: the suite's load is not what the quota is for
                Settings.QUOTA_ACTIVE_JOBS.name(), "100000")));
        api = new Http(stack.url(), stack.adminKey());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
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

    /** Submissions every 50 ms while {@code outage} runs; only 202 and 503 are acceptable answers. */
    private Counts underLoad(String scenario, Outage outage) throws Exception {
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        int[] submitted = {0};
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean go = new AtomicBoolean(true);
        Thread client = new Thread(() -> {
            while (go.get()) {
                submitted[0]++;
                try {
                    Http.Res r = api.postJson("/v1/jobs", SMALL);
                    if (r.status() == 202) {
                        acknowledged.add(r.json().path("id").asText());
                    } else if (r.status() != 503) {
                        unexpected.add(r.toString()); // an outage answers 503, nothing else
                    }
                } catch (AssertionError e) {
                    unexpected.add(e.getMessage()); // the gateway itself stays up
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fault-client");
        client.start();
        Thread.sleep(4000);
        outage.run();
        Thread.sleep(4000);
        go.set(false);
        client.join();
        assertTrue(unexpected.isEmpty(), unexpected.size() + " answers other than 202/503, first: "
                + unexpected.subList(0, Math.min(2, unexpected.size())));
        Counts c = settle(scenario, submitted[0], new ArrayList<>(acknowledged), 180);
        assertEquals(c.acknowledged(), c.succeeded() + c.failed());
        return c;
    }

    @FunctionalInterface
    interface Outage {
        void run() throws Exception;
    }

    @Test
    @Order(2)
    void aPostgresRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
        Counts c = underLoad("PostgreSQL restart under load", () -> {
            stack.stopDatabase();
            Thread.sleep(5000);
            stack.startDatabase();
        });
        assertTrue(c.acknowledged() < c.submitted(), "some were refused during the outage: " + c);
    }

    @Test
    @Order(3)
    void aKafkaRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
        // submissions go on being acknowledged (the outbox keeps them) and run once the broker is back
        Counts c = underLoad("Kafka broker restart under load", () -> {
            stack.stopKafka();
            Thread.sleep(5000);
            stack.startKafka();
        });
        assertEquals(c.submitted(), c.acknowledged(), "the broker is not on the submission path: " + c);
    }
}
