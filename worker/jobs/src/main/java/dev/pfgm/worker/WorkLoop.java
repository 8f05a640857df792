package dev.pfgm.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of Kafka (see {@link Worker} for why it works this way): reads work messages, has
 * the work each names claimed, commits each message once its claim is decided, runs one task at a
 * time on the job thread with its partitions paused, leaves the group while an unbounded task runs
 * past the hand-off time, and when idle asks for work whose message waits elsewhere. It knows
 * nothing of the database: {@link Work} claims and runs.
 */
final class WorkLoop {
    private static final Logger LOG = LoggerFactory.getLogger(WorkLoop.class);

    /** What the loop asks of its worker. */
    interface Work {
        /** The task a message names, claimed; null when there is nothing to run (a duplicate, say). */
        Task claim(ConsumerRecord<String, String> message);

        /** A task claimed without a message (a queued shard whose message waits elsewhere); null if none. */
        Task steal();

        /** Runs a claimed task to its end; called on the job thread. */
        void execute(Task task);
    }

    private final Consumer<String, String> consumer;
    private final List<String> topics;
    private final Work work;
    private final ExecutorService jobThread;
    private final long handoffNanos;
    private final long stealIdleNanos;
    private final String id;
    private volatile boolean running = true;

    WorkLoop(Consumer<String, String> consumer, List<String> topics, Work work, ExecutorService jobThread,
            long handoffNanos, long stealIdleNanos, String id) {
        this.consumer = consumer;
        this.topics = topics;
        this.work = work;
        this.jobThread = jobThread;
        this.handoffNanos = handoffNanos;
        this.stealIdleNanos = stealIdleNanos;
        this.id = id;
    }

    /** Asks the loop to end: it returns after the running task, if any, has ended (30 s at most). */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Polls until {@link #stop()}; closes the consumer on the way out. */
    void run() {
        Deque<ConsumerRecord<String, String>> pending = new ArrayDeque<>();
        Future<?> current = null;
        Task currentTask = null;
        long startedAt = 0;
        long nextSteal = 0;
        final Future<?>[] busy = {null};
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // their records will be delivered to the new owner from the last commit
                pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (busy[0] != null) {
                    consumer.pause(partitions);
                }
            }
        };
        consumer.subscribe(topics, listener);
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(current == null ? 500 : 100))) {
                        pending.add(r);
                    }
                } catch (WakeupException e) {
                    // a task ended (see execute) or stop() was called
                    if (!running) {
                        break;
                    }
                }
                if (current != null && !currentTask.bounded() && !current.isDone()
                        && System.nanoTime() - startedAt >= handoffNanos) {
                    // a long job: leave the group so that idle workers take the partitions (and the
                    // uncommitted records read from them), rejoin after it
                    pending.clear();
                    consumer.unsubscribe();
                    awaitQuietly(current);
                    if (running) {
                        consumer.subscribe(topics, listener);
                    }
                }
                if (current != null && current.isDone()) {
                    current = null;
                    currentTask = null;
                    busy[0] = null;
                    consumer.resume(consumer.paused());
                }
                Task claimed = null;
                while (current == null && claimed == null && !pending.isEmpty() && running) {
                    ConsumerRecord<String, String> r = pending.poll();
                    claimed = work.claim(r);
                    commit(r);
                }
                if (current == null && claimed == null && running && System.nanoTime() >= nextSteal) {
                    claimed = work.steal();
                    nextSteal = System.nanoTime() + (claimed == null ? stealIdleNanos : 0);
                }
                if (claimed != null) {
                    final Task task = claimed;
                    currentTask = task;
                    current = jobThread.submit(() -> execute(task));
                    busy[0] = current;
                    startedAt = System.nanoTime();
                    consumer.pause(consumer.assignment());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("worker {}: consumer stopped: {}", id, e.toString(), e);
        } finally {
            if (current != null) {
                try {
                    current.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("worker {}: job did not stop in time: {}", id, e.toString());
                }
            }
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void execute(Task task) {
        try {
            work.execute(task);
        } finally {
            consumer.wakeup(); // take the next job now, not at the end of the current poll
        }
    }

    /** Waits for a task to end; its own failures are recorded by the task. */
    private static void awaitQuietly(Future<?> job) {
        try {
            job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            // execute() catches everything it can; nothing is left to do here
        }
    }

    private void commit(ConsumerRecord<String, String> r) {
        var offsets = Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        try {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                consumer.commitSync(offsets); // the wake-up was meant for poll; it is used up now
            }
        } catch (KafkaException e) {
            // a rebalance moved the partition: the next owner may see the message again and will
            // find the job already claimed or finished
            LOG.info("worker {}: commit of {}-{}@{} skipped: {}", id, r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }
}
