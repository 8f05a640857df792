package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.http.Metrics;
import dev.pfgm.shared.store.Database;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.KafkaTopics;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.Stats;
import io.vertx.ext.web.Router;
import org.apache.kafka.clients.admin.Admin;

/** /healthz, /readyz, /metrics and /openapi.yaml: no key needed. */
public final class OpsRoutes {
    private final Endpoint endpoint;
    private final Database db;
    private final Admin kafka;
    private final ObjectStore objects;
    private final Metrics metrics;
    private final Stats stats;
    private final ContractValidator contract;

    public OpsRoutes(Endpoint endpoint, Database db, Admin kafka, ObjectStore objects, Metrics metrics, Stats stats,
            ContractValidator contract) {
        this.endpoint = endpoint;
        this.db = db;
        this.kafka = kafka;
        this.objects = objects;
        this.metrics = metrics;
        this.stats = stats;
        this.contract = contract;
    }

    public void mount(Router r) {
        r.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"ok\"}"));
        r.get("/readyz").handler(ctx -> endpoint.runOpen(ctx, () -> {
            boolean database = db.reachable();
            boolean broker = KafkaTopics.reachable(kafka);
            boolean storage = objects.reachable();
            var body = Json.object().put("database", database).put("kafka", broker).put("storage", storage);
            body.put("status", database && broker && storage ? "ready" : "not ready");
            return Reply.json(database && broker && storage ? 200 : 503, body);
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
    }
}
