package dev.pfgm.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting gateway has opened, closed last-opened first: all of it when the start fails part
 * way (a taken port left the outbox relay, Vert.x and the connection pool running), and at close.
 */
final class OpenResources {
    private static final Logger LOG = LoggerFactory.getLogger(OpenResources.class);

    /** How to close one resource. */
    @FunctionalInterface
    interface Closing {
        void close() throws Exception;
    }

    private record Opened(String name, Closing closing) {
    }

    private final Deque<Opened> opened = new ArrayDeque<>();

    /** Records that {@code name} is open, to be closed so. */
    void add(String name, Closing closing) {
        opened.push(new Opened(name, closing));
    }

    /** Closes everything opened, the last first; a failure is logged and the rest still close. */
    void closeAll() {
        while (!opened.isEmpty()) {
            Opened o = opened.pop();
            try {
                o.closing().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("closing {}: interrupted", o.name());
            } catch (Exception e) {
                LOG.warn("closing {}: {}", o.name(), e.getMessage());
            }
        }
    }
}
