package dev.pfgm.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that is closed when no byte of it arrives for {@code limit}. Java's HttpClient
 * times a request out only until its headers arrive: a server that sent them and then stalled held
 * a call, and the command waiting on it, for ever. Closing the body from another thread ends a read
 * blocked in it.
 */
final class StalledBody extends FilterInputStream {
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pfgm-client-stall-watch");
        t.setDaemon(true);
        return t;
    });

    private final Duration limit;
    private final ScheduledFuture<?> watch;
    private volatile long lastByte = System.nanoTime();
    private volatile boolean stalled;

    StalledBody(InputStream body, Duration limit) {
        super(body);
        this.limit = limit;
        long period = Math.max(10, limit.toMillis() / 4);
        this.watch = WATCH.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (!stalled && System.nanoTime() - lastByte > limit.toNanos()) {
            stalled = true;
            try {
                in.close();
            } catch (IOException e) {
                // closing is all that was wanted; the reader sees the stall below
            }
        }
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            lastByte = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw stalled ? stall(e) : e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            lastByte = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw stalled ? stall(e) : e;
        }
    }

    private IOException stall(IOException cause) {
        HttpTimeoutException e = new HttpTimeoutException("the service sent no byte of its answer for "
                + limit.toSeconds() + " s; gave up on it");
        e.initCause(cause);
        return e;
    }

    @Override
    public void close() throws IOException {
        watch.cancel(false);
        super.close();
    }
}
