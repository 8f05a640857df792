package dev.pfgm.shared;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a task so that its failure surfaces as itself, not wrapped in an ExecutionException. */
public final class Futures {
    private Futures() {
    }

    /** As {@link #await}, with an IOException (or an interrupt) thrown as IllegalStateException. */
    public static void join(Future<?> f) {
        try {
            await(f);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Waits for {@code f}: an IOException or unchecked failure is rethrown as it was, any other as
     * IllegalStateException; an interrupt is an IOException.
     */
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
