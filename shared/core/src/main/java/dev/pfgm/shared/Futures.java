package dev.pfgm.shared;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a task so that its failure surfaces as itself, not wrapped in an ExecutionException. */
public final class Futures {
    private Futures() {
    }

    /** Waits for {@code f}; an unchecked failure is rethrown as it was, any other as IllegalStateException. */
    public static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        }
    }

    /** As {@link #join}, but an IOException (and an interrupt) is thrown as an IOException. */
    public static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw unchecked(e.getCause());
        }
    }

    private static RuntimeException unchecked(Throwable cause) {
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
}
