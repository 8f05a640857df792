package dev.pfgm.engine.nn;

import dev.pfgm.shared.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replicas of one network (each keeps its own per-call buffers), one thread each, for training
 * steps split into chunks of rows. Replica r takes chunks r, r + R, r + 2R, ...: a fixed
 * assignment, so each replica's buffers see the same sizes every step and a caller that writes
 * every chunk's result to its own slot gets the same bits on any number of replicas.
 */
public final class ReplicaPool<T> implements AutoCloseable {
    /** The work for one chunk, on the replica that owns it. */
    @FunctionalInterface
    public interface Task<T> {
        void run(T replica, int chunk);
    }

    private final List<T> replicas;
    private final ExecutorService pool;

    public ReplicaPool(List<T> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a pool needs a replica");
        }
        this.replicas = List.copyOf(replicas);
        pool = replicas.size() == 1 ? null : Executors.newFixedThreadPool(replicas.size(), r -> {
            Thread t = new Thread(r, "pfgm-replica");
            t.setDaemon(true);
            return t;
        });
    }

    public int size() {
        return replicas.size();
    }

    public T get(int r) {
        return replicas.get(r);
    }

    /** Runs {@code chunks} chunks and returns when all are done; a chunk's failure is rethrown. */
    public void run(int chunks, Task<T> task) {
        int n = replicas.size();
        if (pool == null) {
            for (int c = 0; c < chunks; c++) {
                task.run(replicas.get(0), c);
            }
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            final T replica = replicas.get(r);
            final int first = r;
            running.add(pool.submit(() -> {
                for (int c = first; c < chunks; c += n) {
                    task.run(replica, c);
                }
            }));
        }
        for (Future<?> f : running) {
            Futures.join(f);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
