package dev.pfgm.engine.nn.conv;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a loop over [0, count) as contiguous parts at once: the calling thread takes the first part,
 * pool threads the others. The element-wise kernels between two convolutions otherwise run on one
 * core while oneDNN's threads sleep. Each index is computed exactly as in a serial loop, so results
 * do not depend on the number of parts. Used where one network has the machine to itself
 * (training); sampling already runs one network per core and keeps {@link #SERIAL}.
 */
final class Lanes {
    static final Lanes SERIAL = new Lanes(1);
    /** Values below which handing work to another thread costs more than it saves. */
    private static final long MIN_VALUES = 1 << 15;
    private static ThreadPoolExecutor pool;

    /** One part of a loop: indices [from, to). */
    @FunctionalInterface
    interface Body {
        void run(int from, int to);
    }

    private final int parts;

    private Lanes(int parts) {
        this.parts = parts;
    }

    static Lanes of(int threads) {
        return threads <= 1 ? SERIAL : new Lanes(threads);
    }

    int parts() {
        return parts;
    }

    /** Runs body over [0, count), each index touching about {@code valuesPerIndex} values. */
    void run(int count, long valuesPerIndex, Body body) {
        int k = (int) Math.min(parts, Math.min(count, count * valuesPerIndex / MIN_VALUES));
        if (k <= 1) {
            body.run(0, count);
            return;
        }
        ThreadPoolExecutor exec = pool(parts - 1);
        Future<?>[] others = new Future<?>[k - 1];
        for (int p = 1; p < k; p++) {
            int from = (int) ((long) count * p / k);
            int to = (int) ((long) count * (p + 1) / k);
            others[p - 1] = exec.submit(() -> body.run(from, to));
        }
        body.run(0, count / k);
        try {
            for (Future<?> f : others) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** One shared pool of daemon threads, grown when a caller asks for more parts. */
    private static synchronized ThreadPoolExecutor pool(int threads) {
        if (pool == null || pool.getMaximumPoolSize() < threads) {
            ThreadPoolExecutor old = pool;
            pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "pfgm-lanes");
                t.setDaemon(true);
                return t;
            });
            if (old != null) {
                old.shutdown();
            }
        }
        return pool;
    }
}
