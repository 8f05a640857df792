package dev.pfgm.gateway.relay;

import dev.pfgm.gateway.http.Metrics;
import dev.pfgm.shared.store.Outbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows to Kafka. Woken at once after each submission (so a job reaches a worker in
 * milliseconds) and otherwise polls, which also picks up delayed retries and rows left by a gateway
 * that stopped. At least once: a crash between publish and mark re-sends, and workers dedupe.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final long IDLE_POLL_MILLIS = 250;
    private static final int BATCH = 500;
    /**
     * After publishing, wait this long before the next round so that under load one transaction
     * and one produce request carry many messages; an idle relay still publishes at once.
     */
    private static final long LINGER_MILLIS = 5;

    private final Outbox outbox;
    private final KafkaProducer<String, String> producer;
    private final Metrics metrics;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean nudged;
    private volatile boolean running = true;

    public OutboxRelay(Outbox outbox, String bootstrap, Metrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "pfgm-outbox-relay");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this::loop, "pfgm-outbox-relay");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Called after a transaction that wrote outbox rows commits. */
    public void nudge() {
        lock.lock();
        try {
            nudged = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long failures = 0;
        while (running) {
            try {
                int n = outbox.relay(BATCH, this::publish);
                metrics.relayed(n);
                failures = 0;
                if (n == BATCH) {
                    continue;
                }
                if (n > 0) {
                    Thread.sleep(LINGER_MILLIS);
                    continue;
                }
                waitForWork(IDLE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                failures++;
                if (failures == 1 || failures % 20 == 0) {
                    LOG.warn("outbox relay: {} (retrying)", e.getMessage());
                }
                waitForWork(Math.min(5000, 200 * failures));
            }
        }
    }

    @SuppressWarnings("WaitNotInLoop") // one bounded wait: a spurious wake-up only starts the next pass early
    private void waitForWork(long millis) {
        lock.lock();
        try {
            if (!nudged) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
            nudged = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void publish(List<Outbox.Message> messages) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(messages.size());
        for (Outbox.Message m : messages) {
            ProducerRecord<String, String> r = new ProducerRecord<>(m.topic(), m.key(), m.payload());
            r.headers().add("outbox-id", Long.toString(m.id()).getBytes(StandardCharsets.US_ASCII));
            acks.add(producer.send(r));
        }
        producer.flush();
        for (Future<RecordMetadata> f : acks) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        running = false;
        nudge();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
