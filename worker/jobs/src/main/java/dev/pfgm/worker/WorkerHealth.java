package dev.pfgm.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pfgm.engine.nn.ComputeDevice;
import dev.pfgm.shared.store.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A worker's health for orchestrators (compose healthchecks, Kubernetes probes), on the JDK's own
 * HTTP server: GET /healthz is 200 while the worker takes work; GET /readyz is 200 when it also
 * reaches its database, and names the compute backend and device, and the job it runs; GET
 * /metrics is the worker's metrics in Prometheus' text format ({@link WorkerMetrics}).
 */
public final class WorkerHealth implements AutoCloseable {
    private final HttpServer server;

    private WorkerHealth(HttpServer server) {
        this.server = server;
    }

    public static WorkerHealth start(Worker worker, int port) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (java.net.BindException e) {
            // a second worker on one host with the first one's settings: name the setting to change
            throw new IllegalArgumentException(dev.pfgm.shared.config.Settings.WORKER_HEALTH_PORT.name() + ": port " + port
                    + " is in use (another worker on this host?); give each worker its own, or 0 for none (an --env"
                    + " file's value wins over the environment's)");
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pfgm-worker-health");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", ex -> answer(ex, worker.alive(), status(worker)));
        server.createContext("/readyz", ex -> {
            boolean database = worker.databaseReachable();
            answer(ex, worker.alive() && database, status(worker).put("database", database));
        });
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                () -> worker.metrics().scrape()));
        server.start();
        return new WorkerHealth(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static ObjectNode status(Worker w) {
        ObjectNode o = Json.object().put("worker", w.id()).put("alive", w.alive())
                .put("backend", ComputeDevice.backend()).put("device", ComputeDevice.device());
        o.put("running", w.busyWith());
        return o;
    }

    private static void answer(HttpExchange ex, boolean ok, ObjectNode body) throws IOException {
        send(ex, ok ? 200 : 503, "application/json", () -> Json.write(body.put("status", ok ? "ok" : "unavailable")));
    }

    /** Answers a GET with {@code body}, and anything else with 405 (the body is not made then). */
    private static void send(HttpExchange ex, int status, String contentType, Supplier<String> body)
            throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
