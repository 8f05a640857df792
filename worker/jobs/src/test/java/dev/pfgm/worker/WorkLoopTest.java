package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's Kafka loop against Kafka's MockConsumer: what it claims, commits, pauses and hands off. */
class WorkLoopTest {
    private static final String TOPIC = "work";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    private final ExecutorService jobThread = Executors.newSingleThreadExecutor();
    private final FakeWork work = new FakeWork();
    private WorkLoop loop;
    private Thread thread;
    private long offset;

    /** Claims a task per message (none for "dup"); each task runs {@code body}, which the test may set. */
    private static final class FakeWork implements WorkLoop.Work {
        final List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        final List<String> ran = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger steals = new AtomicInteger();
        volatile boolean bounded = true;
        volatile Runnable body = () -> { };
        volatile String toSteal;

        @Override
        public Task claim(ConsumerRecord<String, String> message) {
            claimed.add(message.value());
            return message.value().equals("dup") ? null : task(message.value());
        }

        @Override
        public Task steal() {
            steals.incrementAndGet();
            String s = toSteal;
            toSteal = null;
            return s == null ? null : task(s);
        }

        @Override
        public void execute(Task task) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                task.run(lease -> { });
            } finally {
                running.decrementAndGet();
            }
        }

        Task task(String name) {
            return new Task() {
                @Override
                public String describe() {
                    return name;
                }

                @Override
                public boolean bounded() {
                    return bounded;
                }

                @Override
                public void run(LeaseHolder holder) {
                    body.run();
                    ran.add(name);
                }
            };
        }
    }

    private void start(long handoffMillis, long stealIdleMillis) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
        });
        loop = new WorkLoop(consumer, List.of(TOPIC), work, jobThread, TimeUnit.MILLISECONDS.toNanos(handoffMillis),
                TimeUnit.MILLISECONDS.toNanos(stealIdleMillis), "w1");
        thread = new Thread(loop::run, "work-loop");
        thread.start();
        await(() -> consumer.assignment().contains(P0), "the partition is assigned");
    }

    private void send(String value) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset++, "k", value));
    }

    private long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(P0)).get(P0);
        return o == null ? 0 : o.offset();
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "waited 10 s for: " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop();
            thread.join(10_000);
            assertFalse(thread.isAlive(), "the loop ends when stopped");
            assertTrue(consumer.closed(), "and closes its consumer");
        }
        jobThread.shutdownNow();
    }

    @Test
    void runsOneTaskAtATimeInOrderAndCommitsEachMessage() {
        work.body = () -> sleep(30);
        start(60_000, 60_000);
        send("a");
        send("b");
        send("c");
        await(() -> work.ran.size() == 3, "three tasks ran");
        assertEquals(List.of("a", "b", "c"), work.ran);
        assertEquals(1, work.mostAtOnce.get(), "one task at a time");
        await(() -> committed() == 3, "every message committed");
        assertEquals(List.of("a", "b", "c"), work.claimed, "each message claimed once");
    }

    @Test
    void aMessageWithNothingToRunIsCommittedAndSkipped() {
        start(60_000, 60_000);
        send("dup");
        send("b");
        await(() -> work.ran.size() == 1 && committed() == 2, "b ran and both messages were committed");
        assertEquals(List.of("b"), work.ran);
        assertEquals(List.of("dup", "b"), work.claimed);
    }

    @Test
    void partitionsArePausedWhileATaskRunsAndResumedAfter() {
        CountDownLatch release = new CountDownLatch(1);
        List<Set<TopicPartition>> pausedDuring = Collections.synchronizedList(new ArrayList<>());
        work.body = () -> {
            awaitLatch(release);
            pausedDuring.add(consumer.paused());
        };
        start(60_000, 60_000);
        send("a");
        send("b");
        await(() -> consumer.paused().contains(P0), "paused while a runs");
        sleep(200);
        assertEquals(List.of("a"), work.claimed, "b waits: no claim while a task runs");
        release.countDown();
        await(() -> work.ran.size() == 2, "both ran");
        assertEquals(Set.of(P0), pausedDuring.get(0));
        await(() -> consumer.paused().isEmpty(), "resumed when idle");
    }

    @Test
    void aLongUnboundedTaskLeavesTheGroupUntilItEnds() {
        CountDownLatch release = new CountDownLatch(1);
        work.bounded = false;
        work.body = () -> awaitLatch(release);
        start(100, 60_000);
        send("long");
        await(() -> consumer.subscription().isEmpty(), "the worker left the group after the hand-off time");
        release.countDown();
        await(() -> consumer.subscription().equals(Set.of(TOPIC)), "and joined again when the task ended");
        assertEquals(List.of("long"), work.ran);
    }

    @Test
    void aBoundedTaskKeepsThePartitionsPastTheHandOffTime() {
        CountDownLatch release = new CountDownLatch(1);
        work.body = () -> awaitLatch(release);
        start(50, 60_000);
        send("shard");
        await(() -> work.running.get() == 1, "the shard runs");
        sleep(300);
        assertEquals(Set.of(TOPIC), consumer.subscription(), "a shard does not cost a rebalance");
        release.countDown();
        await(() -> work.ran.size() == 1, "the shard ended");
    }

    @Test
    void anIdleWorkerAsksForOtherWorkOncePerIdleInterval() {
        start(60_000, 200);
        sleep(1000);
        int steals = work.steals.get();
        assertTrue(steals >= 3 && steals <= 7, "about one ask per 200 ms over 1 s, was " + steals);
        work.toSteal = "stolen";
        await(() -> work.ran.contains("stolen"), "a task found that way runs");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "released within 10 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
