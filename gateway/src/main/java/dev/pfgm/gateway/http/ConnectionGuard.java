package dev.pfgm.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what connections may hold: at most {@code max} open at once (more are closed as they
 * arrive), and a connection with no request in progress must complete a request's headers within
 * {@code headerSeconds} of opening or of its last response (half-sent headers held open by the
 * thousand no longer pin sockets; this is also the keep-alive timeout). Idle connections in the
 * middle of a request are the server's idle timeout's.
 */
public final class ConnectionGuard {
    private final int max;
    private final long headerNanos;
    private final Map<HttpConnection, State> connections = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger timedOut = new AtomicInteger();

    private static final class State {
        volatile int active;
        volatile long idleSince = System.nanoTime();
    }

    public ConnectionGuard(Vertx vertx, int max, int headerSeconds) {
        this.max = max;
        this.headerNanos = headerSeconds * 1_000_000_000L;
        vertx.setPeriodic(500, id -> sweep());
    }

    public void opened(HttpConnection c) {
        if (connections.size() >= max) {
            refused.incrementAndGet();
            c.close();
            return;
        }
        connections.put(c, new State());
        c.closeHandler(v -> connections.remove(c));
    }

    /** A request's headers arrived on {@code c}. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // only c's event loop writes; volatile is for the watcher's reads
    public void requestStarted(HttpConnection c) {
        State s = connections.get(c);
        if (s != null) {
            s.active++;
        }
    }

    /** A response on {@code c} ended (or its request failed). */
    public void requestEnded(HttpConnection c) {
        State s = connections.get(c);
        if (s != null) {
            s.active = Math.max(0, s.active - 1);
            s.idleSince = System.nanoTime();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        connections.forEach((c, s) -> {
            if (s.active == 0 && now - s.idleSince > headerNanos) {
                timedOut.incrementAndGet();
                c.close();
            }
        });
    }

    public int open() {
        return connections.size();
    }

    /** Connections closed because the cap was reached, and because no request came in time. */
    public int refused() {
        return refused.get();
    }

    public int timedOut() {
        return timedOut.get();
    }
}
