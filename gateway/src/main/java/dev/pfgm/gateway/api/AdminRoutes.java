package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Auth;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.shared.Text;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.KeyStore;
import dev.pfgm.shared.store.KeyStore.Principal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** /v1/admin/keys: create and revoke API keys (admin keys only). */
public record AdminRoutes(Endpoint endpoint, KeyStore keys, Auth auth, ContractValidator contract) {

    public void mount(Router r) {
        r.post("/v1/admin/keys").handler(ctx -> endpoint.run(ctx, caller -> {
            requireAdmin(caller);
            JsonObject body = JobRoutes.jsonBody(ctx);
            contract.check("KeyRequest", body);
            QuotaRoutes.checkTenant(body.getString("tenant"), "/tenant");
            KeyStore.NewKey k = keys.create(body.getString("tenant"), body.getBoolean("admin", false));
            return Reply.json(201, Json.object().put("key", k.key()).put("tenant", k.tenant())
                    .put("prefix", k.prefix()).put("admin", k.admin()));
        }));
        r.delete("/v1/admin/keys/:prefix").handler(ctx -> endpoint.run(ctx, caller -> {
            requireAdmin(caller);
            String prefix = ctx.pathParam("prefix");
            if (!keys.revoke(prefix)) {
                throw new ApiException(404, "Not Found", "no live key with prefix " + Text.printable(prefix));
            }
            auth.forget();
            return Reply.empty(204);
        }));
    }

    static void requireAdmin(Principal p) {
        if (!p.admin()) {
            throw new ApiException(403, "Forbidden", "this needs an admin key; tenant " + p.tenant() + "'s key is not one");
        }
    }
}
