package dev.pfgm.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The workers ./pfgm up runs as processes of their own, kept running: one that exits unasked (a
 * native crash, the kernel's OOM killer, a consumer that died) is started again after a backoff
 * that doubles while it keeps failing quickly (1 s to 60 s; a worker that ran a minute starts
 * over at 1 s). Without it, up's only worker could die and leave every job queued. Exit codes
 * that say the worker will never start on this node (its configuration refused, no compute
 * backend) are not retried, nor a worker stopped by SIGINT or SIGTERM (someone asked it to stop).
 */
public final class WorkerProcesses implements AutoCloseable {
    /** Starts worker {@code index} (0-based). */
    @FunctionalInterface
    public interface Launcher {
        Process start(int index) throws IOException;
    }

    /** A worker that ran this long before exiting is restarted after the shortest backoff. */
    private static final long STEADY_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** The longest backoff, in units of the shortest. */
    private static final int MAX_BACKOFF_UNITS = 60;

    private final Launcher launcher;
    private final Set<Integer> finalExitCodes;
    private final PrintStream log;
    private final Process[] processes;
    private final long[] startedAt;
    private final int[] quickExits;
    private final ScheduledExecutorService restarts;
    private final long unitMillis;
    private boolean closing;

    /**
     * Starts {@code count} workers through {@code launcher}; an exit with one of {@code finalExitCodes}
     * is reported and not retried. Lines about exits and restarts go to {@code log}.
     */
    public WorkerProcesses(int count, Launcher launcher, Set<Integer> finalExitCodes, PrintStream log) throws IOException {
        this(count, launcher, finalExitCodes, log, 1000);
    }

    /** {@code unitMillis}: the shortest backoff (a second; a test's clock runs faster). */
    WorkerProcesses(int count, Launcher launcher, Set<Integer> finalExitCodes, PrintStream log, long unitMillis)
            throws IOException {
        this.unitMillis = unitMillis;
        this.launcher = launcher;
        this.finalExitCodes = Set.copyOf(finalExitCodes);
        this.log = log;
        this.processes = new Process[count];
        this.startedAt = new long[count];
        this.quickExits = new int[count];
        this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pfgm-up-workers");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                Process p = launcher.start(i);
                synchronized (this) {
                    watch(i, p);
                }
            }
        } catch (IOException | RuntimeException e) {
            close(); // the ones already started are not left running
            throw e;
        }
    }

    /** The process now running as worker {@code index}, or null between an exit and its restart. */
    public synchronized Process process(int index) {
        Process p = processes[index];
        return p != null && p.isAlive() ? p : null;
    }

    private void watch(int index, Process p) {
        processes[index] = p;
        startedAt[index] = System.nanoTime();
        var unused = p.onExit().thenAccept(done -> exited(index, done)); // exited() handles every outcome
    }

    private synchronized void exited(int index, Process p) {
        if (closing || processes[index] != p) {
            return;
        }
        processes[index] = null;
        int code = p.exitValue();
        long ran = System.nanoTime() - startedAt[index];
        String what = String.format(java.util.Locale.ROOT, "pfgm up: worker %d exited with code %d after %.0f s", index + 1,
                code, ran / 1e9);
        if (finalExitCodes.contains(code)) {
            log.println(what + "; not restarted (it would fail the same way: see its log)");
            return;
        }
        if (code == 128 + 2 || code == 128 + 15) { // SIGINT (a Ctrl-C reaches the whole group) or SIGTERM
            log.println(what + "; stopped on request (SIGINT or SIGTERM), not restarted");
            return;
        }
        quickExits[index] = ran >= STEADY_NANOS ? 1 : quickExits[index] + 1;
        long delay = unitMillis * Math.min(MAX_BACKOFF_UNITS, 1L << Math.min(6, quickExits[index] - 1));
        log.println(what + "; restarting it in " + millis(delay));
        var unused = restarts.schedule(() -> restart(index), delay, TimeUnit.MILLISECONDS); // restart() logs its failures
    }

    private void restart(int index) {
        synchronized (this) {
            if (closing) {
                return;
            }
            try {
                watch(index, launcher.start(index));
                return;
            } catch (IOException e) {
                log.println("pfgm up: worker " + (index + 1) + " could not be started (" + e.getMessage() + "); trying"
                        + " again in " + millis(unitMillis * MAX_BACKOFF_UNITS));
            }
        }
        var unused = restarts.schedule(() -> restart(index), unitMillis * MAX_BACKOFF_UNITS, TimeUnit.MILLISECONDS);
    }

    private static String millis(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * Stops every worker with SIGTERM (each hands its running job back) and waits up to 45 s for
     * each before killing it; none is restarted from here on.
     */
    @Override
    public void close() {
        Process[] running;
        synchronized (this) {
            closing = true;
            running = processes.clone();
        }
        restarts.shutdownNow();
        for (Process p : running) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : running) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(45, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
