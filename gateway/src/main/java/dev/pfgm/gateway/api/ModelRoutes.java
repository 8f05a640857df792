package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.store.GuardedChange;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ObjectStore;
import io.vertx.ext.web.Router;

/** /v1/models: models registered by successful train jobs. */
public record ModelRoutes(Endpoint endpoint, ModelStore models, ObjectStore objects, FileLinks links) {

    public void mount(Router r) {
        r.get("/v1/models").handler(ctx -> endpoint.run(ctx, caller -> {
            return Paging.list(ctx, "model", (limit, after) -> models.list(caller.tenant(), limit, after),
                    id -> models.get(caller.tenant(), id).isPresent(), Views::model, ModelStore.ModelRecord::id,
                    "/v1/models");
        }));
        r.get("/v1/models/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            return Reply.json(200, Views.model(models.get(caller.tenant(), Endpoint.uuid(raw, "model"))
                    .orElseThrow(() -> ApiException.notFound("model", raw))));
        }));
        // the model file, as ./pfgm sample --model takes it
        r.get("/v1/models/:id/file").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            return links.download(caller.tenant(), models.get(caller.tenant(), Endpoint.uuid(raw, "model"))
                    .orElseThrow(() -> ApiException.notFound("model", raw)).objectKey());
        }));
        r.delete("/v1/models/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            GuardedChange.Outcome<String> d = models.delete(caller.tenant(), Endpoint.uuid(raw, "model"))
                    .orElseThrow(() -> ApiException.notFound("model", raw));
            if (!d.done()) {
                throw new ApiException(409, "Conflict", "job " + d.busyWith() + " uses model " + raw
                        + "; delete it when no queued or running job does");
            }
            objects.delete(d.result());
            return Reply.empty(204);
        }));
    }
}
