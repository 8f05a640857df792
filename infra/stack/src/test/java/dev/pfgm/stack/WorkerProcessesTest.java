package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The supervisor of up's worker processes, on real processes that exit as scripted. */
class WorkerProcessesTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

    private static Process sh(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", script).start();
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    void aWorkerThatExitsIsStartedAgainWithABackoffThatDoubles() throws Exception {
        AtomicIntegerArray starts = new AtomicIntegerArray(2);
        // worker 1 crashes on each of its first three starts, then runs; worker 2 runs throughout
        try (WorkerProcesses w = new WorkerProcesses(2, i -> starts.incrementAndGet(i) <= 3 && i == 0 ? sh("exit 3")
                : sh("sleep 60"), Set.of(2), log, 100)) {
            waitUntil(() -> starts.get(0) == 4, 15_000);
            assertEquals(4, starts.get(0), log());
            assertEquals(1, starts.get(1), "a worker that keeps running is left alone");
            String[] lines = log().strip().split("\n");
            assertEquals(3, lines.length, log());
            // 1, 2 and 4 units (a second each outside tests): the exits came quickly one after another
            for (int k = 0; k < 3; k++) {
                assertTrue(lines[k].matches("pfgm up: worker 1 exited with code 3 after \\d+ s; restarting it in " + (100 << k)
                        + " ms"), lines[k]);
            }
            waitUntil(() -> w.process(0) != null, 2_000);
            assertNotNull(w.process(0), "running after its fourth start");
            assertNotNull(w.process(1));
        }
    }

    @Test
    void aWorkerStoppedBySigtermIsNotRestarted() throws Exception {
        AtomicIntegerArray starts = new AtomicIntegerArray(1);
        try (WorkerProcesses w = new WorkerProcesses(1, i -> {
            starts.incrementAndGet(i);
            return sh("sleep 60");
        }, Set.of(2), log, 100)) {
            w.process(0).destroy(); // SIGTERM, as an operator's kill or the group's Ctrl-C (SIGINT) would send
            waitUntil(() -> log().contains("not restarted"), 5_000);
            Thread.sleep(500); // longer than the first backoff
            assertEquals(1, starts.get(0), log());
            assertTrue(log().contains("exited with code 143") && log().contains("stopped on request"), log());
        }
    }

    @Test
    void aFinalExitIsNotRetriedAndCloseStopsEverything() throws Exception {
        AtomicIntegerArray starts = new AtomicIntegerArray(2);
        Process[] running = new Process[1];
        WorkerProcesses w = new WorkerProcesses(2, i -> {
            starts.incrementAndGet(i);
            if (i == 0) {
                return sh("exit 2"); // its configuration refused: it would refuse again
            }
            running[0] = sh("sleep 60");
            return running[0];
        }, Set.of(2), log, 100);
        waitUntil(() -> log().contains("not restarted"), 5_000);
        Thread.sleep(500); // longer than the first backoff
        assertEquals(1, starts.get(0), log());
        assertTrue(log().contains("pfgm up: worker 1 exited with code 2 after"), log());
        w.close();
        assertFalse(running[0].isAlive(), "close stops the running worker");
        Thread.sleep(500);
        assertEquals(1, starts.get(1), "a worker stopped by close is not started again");
    }
}
