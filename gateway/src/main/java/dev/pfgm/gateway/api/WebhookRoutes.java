package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.webhook.WebhookTargets;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.WebhookStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * /v1/webhooks: a tenant's endpoints (each with its own signing secret) and the secret that signs
 * deliveries to jobs' own URLs; /v1/jobs/{id}/webhooks: a job's delivery log.
 */
public record WebhookRoutes(Endpoint endpoint, WebhookStore webhooks, JobStore jobs, ContractValidator contract, boolean allowPrivate) {
    private static final List<String> TERMINAL = List.of("job.succeeded", "job.failed", "job.cancelled");

    /** 422 naming {@code pointer} unless the service may call {@code url}. */
    static void checkTarget(String url, String pointer, boolean allowPrivate) {
        String problem = WebhookTargets.problem(url, allowPrivate);
        if (problem != null) {
            throw ApiException.invalid(pointer, problem);
        }
    }

    public void mount(Router r) {
        r.post("/v1/webhooks").handler(ctx -> endpoint.run(ctx, caller -> {
            JsonObject body = JobRoutes.jsonBody(ctx);
            contract.check("WebhookEndpointRequest", body);
            String url = body.getString("url");
            checkTarget(url, "/url", allowPrivate);
            List<String> events = new ArrayList<>();
            if (body.containsKey("events")) {
                body.getJsonArray("events").forEach(e -> events.add((String) e));
            } else {
                events.addAll(TERMINAL);
            }
            WebhookStore.Endpoint created = webhooks.create(caller.tenant(), url, events).orElseThrow(() -> new ApiException(
                    409, "Conflict", "the tenant has " + WebhookStore.MAX_ENDPOINTS + " webhook endpoints, the most it may"
                            + " have; delete one first (DELETE /v1/webhooks/{id})"));
            return Reply.json(201, view(created));
        }));
        r.get("/v1/webhooks").handler(ctx -> endpoint.run(ctx, caller -> {
            ObjectNode body = Json.object();
            ArrayNode data = body.putArray("data");
            webhooks.list(caller.tenant()).forEach(e -> data.add(view(e)));
            body.put("job_webhook_secret", webhooks.tenantSecret(caller.tenant()));
            return Reply.json(200, body);
        }));
        r.delete("/v1/webhooks/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            if (!webhooks.delete(caller.tenant(), Endpoint.uuid(raw, "webhook endpoint"))) {
                throw ApiException.notFound("webhook endpoint", raw);
            }
            return Reply.empty(204);
        }));
        r.get("/v1/jobs/:id/webhooks").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            UUID id = Endpoint.uuid(raw, "job");
            if (jobs.get(caller.tenant(), id).isEmpty()) {
                throw ApiException.notFound("job", raw);
            }
            ObjectNode body = Json.object();
            ArrayNode data = body.putArray("data");
            for (WebhookStore.Delivery d : webhooks.deliveries(caller.tenant(), id)) {
                ObjectNode o = data.addObject();
                o.put("id", d.id().toString());
                o.put("endpoint", d.endpointId() == null ? null : d.endpointId().toString());
                o.put("url", d.url());
                o.put("event", d.event());
                o.put("status", d.status());
                o.put("attempts", d.attempts());
                if (d.lastStatus() == null) {
                    o.putNull("last_status");
                } else {
                    o.put("last_status", d.lastStatus());
                }
                o.put("last_error", d.lastError());
                o.put("created_at", Views.time(d.createdAt()));
                o.put("next_attempt_at", d.status().equals("pending") ? Views.time(d.nextAttemptAt()) : null);
                o.put("delivered_at", Views.time(d.deliveredAt()));
            }
            return Reply.json(200, body);
        }));
    }

    private static ObjectNode view(WebhookStore.Endpoint e) {
        ObjectNode o = Json.object().put("id", e.id().toString()).put("url", e.url());
        ArrayNode ev = o.putArray("events");
        e.events().forEach(ev::add);
        return o.put("secret", e.secret()).put("created_at", Views.time(e.createdAt()));
    }
}
