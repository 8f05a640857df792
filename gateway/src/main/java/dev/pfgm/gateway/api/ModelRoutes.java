package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ModelStore;
import io.vertx.ext.web.Router;

/** /v1/models: models registered by successful train jobs. */
public final class ModelRoutes {
    private final Endpoint endpoint;
    private final ModelStore models;

    public ModelRoutes(Endpoint endpoint, ModelStore models) {
        this.endpoint = endpoint;
        this.models = models;
    }

    public void mount(Router r) {
        r.get("/v1/models").handler(ctx -> endpoint.run(ctx, caller -> {
            ObjectNode body = Json.object();
            ArrayNode data = body.putArray("data");
            models.list(caller.tenant(), 1000).forEach(m -> data.add(Views.model(m)));
            return Reply.json(200, body);
        }));
        r.get("/v1/models/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            return Reply.json(200, Views.model(models.get(caller.tenant(), Endpoint.uuid(raw, "model"))
                    .orElseThrow(() -> ApiException.notFound("model", raw))));
        }));
    }
}
