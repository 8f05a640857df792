package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.http.Metrics;
import dev.pfgm.shared.store.Database;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.KafkaTopics;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.Stats;
import io.vertx.ext.web.Router;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;

/** /healthz, /readyz, /metrics and /openapi.yaml (and .json): no key needed. */
public record OpsRoutes(Endpoint endpoint, Database db, Admin kafka, ObjectStore objects, Metrics metrics, Stats stats, ContractValidator contract) {

    private static final java.util.concurrent.ExecutorService CHECKS = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "pfgm-readiness");
                t.setDaemon(true);
                return t;
            });

    /** The check's answer if it comes within the readiness bound; false otherwise. */
    private static boolean within(CompletableFuture<Boolean> check) {
        try {
            return check.get(3, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    public void mount(Router r) {
        r.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"ok\"}"));
        r.get("/readyz").handler(ctx -> endpoint.runOpen(ctx, () -> {
            // each dependency checked at once and given 3 s: a paused server must not hang the probe
            var database = CompletableFuture.supplyAsync(db::reachable, CHECKS);
            var broker = CompletableFuture.supplyAsync(() -> KafkaTopics.reachable(kafka), CHECKS);
            var storage = CompletableFuture.supplyAsync(objects::writable, CHECKS);
            boolean d = within(database);
            boolean k = within(broker);
            boolean s = within(storage);
            var body = Json.object().put("database", d).put("kafka", k).put("storage", s);
            body.put("status", d && k && s ? "ready" : "not ready");
            Reply reply = Reply.json(d && k && s ? 200 : 503, body);
            return d && k && s ? reply : reply.header("Retry-After", "5");
        }));
        r.get("/metrics").handler(ctx -> endpoint.runOpen(ctx, () -> {
            Stats.Snapshot s;
            try {
                s = stats.snapshot();
            } catch (RuntimeException e) {
                s = null;
            }
            return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(s),
                    new java.util.LinkedHashMap<>());
        }));
        r.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
                .end(contract.document()));
        r.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-cache").end(contract.documentJson()));
    }
}
