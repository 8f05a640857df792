package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.http.RateLimiter;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.QuotaStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Quotas: GET /v1/quotas (the caller's tenant: quotas in force and usage), and for admin keys
 * GET and PUT /v1/admin/tenants/{tenant}/quotas.
 */
public record QuotaRoutes(Endpoint endpoint, QuotaStore quotas, RateLimiter limiter, ContractValidator contract) {

    public void mount(Router r) {
        r.get("/v1/quotas").handler(ctx -> endpoint.run(ctx, caller -> Reply.json(200, view(caller.tenant()))));
        r.get("/v1/admin/tenants/:tenant/quotas").handler(ctx -> endpoint.run(ctx, caller -> {
            AdminRoutes.requireAdmin(caller);
            return Reply.json(200, view(tenant(ctx.pathParam("tenant"))));
        }));
        r.put("/v1/admin/tenants/:tenant/quotas").handler(ctx -> endpoint.run(ctx, caller -> {
            AdminRoutes.requireAdmin(caller);
            String tenant = tenant(ctx.pathParam("tenant"));
            JsonObject body = JobRoutes.jsonBody(ctx);
            contract.check("QuotaUpdate", body);
            JsonNode changes = Json.MAPPER.valueToTree(body.getMap());
            JobRoutes.refuseOutOfRange(changes, "");
            // the schema's maximum is compared as a double: 2^60 + 1 rounded to 2^60 and was stored
            JsonNode stored = changes.path("stored_bytes");
            if (stored.isNumber() && JobRoutes.exact(stored).compareTo(java.math.BigDecimal.valueOf(1L << 60)) > 0) {
                throw ApiException.invalid("/stored_bytes", "must be at most 1152921504606846976 (2^60); got "
                        + stored.asText());
            }
            quotas.put(tenant, changes);
            limiter.forget();
            return Reply.json(200, view(tenant));
        }));
    }

    /** A tenant named in the path: a malformed name is a bad request (a 422 is for bodies). */
    private static String tenant(String raw) {
        if (!isTenant(raw)) {
            throw ApiException.badRequest("/path/tenant", TENANT_RULE);
        }
        return raw;
    }

    /** 422 naming {@code pointer} unless {@code raw} is a tenant name. */
    static void checkTenant(String raw, String pointer) {
        if (!isTenant(raw)) {
            throw ApiException.invalid(pointer, TENANT_RULE);
        }
    }

    private static final String TENANT_RULE = "a tenant name is 1 to 64 of A-Z a-z 0-9 . _ -, and not . or ..";

    /**
     * Matched whole: the schema's pattern lets a final line break through ($ matches before it), which
     * the table then refused (a 500). "." and ".." as path segments are resolved away: such a tenant's
     * quota routes were out of reach (404).
     */
    private static boolean isTenant(String raw) {
        return raw != null && dev.pfgm.shared.store.KeyStore.TENANT.matcher(raw).matches() && !raw.matches("\\.{1,2}");
    }

    private ObjectNode view(String tenant) {
        ObjectNode o = Json.object().put("tenant", tenant);
        o.set("quotas", quotas.get(tenant).json());
        o.set("usage", quotas.usage(tenant).json());
        o.set("defaults", quotas.defaults().json());
        return o;
    }
}
