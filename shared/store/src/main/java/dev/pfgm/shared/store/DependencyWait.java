package dev.pfgm.shared.store;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out an outage of the database or object storage: repeats an idempotent call while it fails
 * with {@link #unavailable}, after exponentially growing pauses with full jitter (so that many
 * workers do not return in step), for at most a total wait. The worker uses it so that a job
 * survives a minute-long outage in place, keeping what it has computed, instead of spending its
 * attempts against a dependency that is still down.
 */
public final class DependencyWait {
    private static final Logger LOG = LoggerFactory.getLogger(DependencyWait.class);
    private static final long FIRST_MILLIS = 500;
    private static final long MAX_PAUSE_MILLIS = 15_000;
    private final long totalMillis;

    public DependencyWait(int totalSeconds) {
        this.totalMillis = totalSeconds * 1000L;
    }

    /** No waiting: the gateway answers 503 at once and lets the client retry. */
    public static final DependencyWait NONE = new DependencyWait(0);

    /** True for failures of a dependency that is away (not for a refused or malformed request). */
    public static boolean unavailable(Throwable t) {
        // the library's walk stops where a cause chain loops back on itself
        for (Throwable c : ExceptionUtils.getThrowableList(t)) {
            if (c instanceof Database.StoreException s) {
                return s.unavailable();
            }
            if (c instanceof ObjectStore.ObjectStoreException o) {
                return o.unavailable();
            }
        }
        return false;
    }

    public <T> T call(String what, Supplier<T> work) {
        long deadline = System.nanoTime() + totalMillis * 1_000_000;
        long ceiling = FIRST_MILLIS;
        for (int attempt = 1;; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (!unavailable(e) || left <= 0) {
                    throw e;
                }
                long pause = Math.min(left, ThreadLocalRandom.current().nextLong(FIRST_MILLIS / 2, ceiling + 1));
                LOG.warn("{}: dependency unavailable (try {}), retrying in {} ms: {}", what, attempt, pause, e.getMessage());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                ceiling = Math.min(MAX_PAUSE_MILLIS, ceiling * 2);
            }
        }
    }

    public void run(String what, Runnable work) {
        call(what, () -> {
            work.run();
            return null;
        });
    }
}
