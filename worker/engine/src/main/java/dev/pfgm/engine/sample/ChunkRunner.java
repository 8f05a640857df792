package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.shared.Futures;
import dev.pfgm.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs independent fixed-size chunks on one thread per core, each thread with its own copy of
 * the network (the networks keep per-call buffers). Each chunk writes only its own slice of the
 * output, so the result does not depend on which thread ran which chunk. ND4J itself runs
 * single-threaded here (OMP_NUM_THREADS=1 in the launcher): for these matrix sizes a core per
 * chunk is faster than two cores per product (docs/benchmarks.md).
 */
public final class ChunkRunner {
    /** The work for one chunk, given a network of its own and a progress sink for that chunk. */
    @FunctionalInterface
    public interface ChunkTask<N extends ChargeMean> {
        void run(int chunk, N field, Progress progress);
    }

    private ChunkRunner() {
    }

    /**
     * Threads for chunked work: the system property {@code pfgm.threads} if set (tests compare
     * thread counts in one JVM), else the environment's PFGM_THREADS, else one per core.
     */
    public static int threads() {
        for (String value : new String[] {System.getProperty("pfgm.threads"), System.getenv("PFGM_THREADS")}) {
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (!value.matches("[1-9][0-9]{0,3}")) { // 99999999999 overflowed parseInt; 0 and abc were ignored
                throw new InvalidInputException("PFGM_THREADS: '" + dev.pfgm.shared.Text.printable(value)
                        + "' is not a thread count from 1 to 9999");
            }
            return Integer.parseInt(value);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static <N extends ChargeMean> void run(int chunks, Supplier<N> fields, Progress progress,
                                                  ChunkTask<N> task) {
        run(chunks, (NetworkSource<N>) fields::get, progress, task);
    }

    /** As {@link #run(int, Supplier, Progress, ChunkTask)}, each thread's network given back to its source at the end. */
    public static <N extends ChargeMean> void run(int chunks, NetworkSource<N> fields, Progress progress,
                                                  ChunkTask<N> task) {
        int threads = Math.max(1, Math.min(threads(), chunks));
        double[] done = new double[chunks];
        Progress.Aggregate total = new Progress.Aggregate(done, progress);
        if (threads == 1) {
            N field = fields.get();
            for (int c = 0; c < chunks; c++) {
                final int chunk = c;
                task.run(c, field, f -> total.set(chunk, f));
                total.set(c, 1.0);
            }
            fields.release(field);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pfgm-chunks");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    N field = fields.get();
                    int c;
                    while ((c = next.getAndIncrement()) < chunks) {
                        final int chunk = c;
                        task.run(c, field, f -> total.set(chunk, f));
                        total.set(c, 1.0);
                    }
                    fields.release(field);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                Futures.join(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
