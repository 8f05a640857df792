package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

class AllowedMethodsTest {
    @Test
    void patternsMatchLiteralParamAndTrailingStarSegments() {
        assertTrue(AllowedMethods.matches("/v1/jobs/:id/cancel", "/v1/jobs/abc/cancel"));
        assertFalse(AllowedMethods.matches("/v1/jobs/:id/cancel", "/v1/jobs//cancel"));
        assertFalse(AllowedMethods.matches("/v1/jobs/:id", "/v1/jobs/abc/cancel"));
        assertFalse(AllowedMethods.matches("/v1/jobs/:id/cancel", "/v1/jobs/abc"));
        assertTrue(AllowedMethods.matches("/v1/files/*", "/v1/files/a/b/c"));
        assertTrue(AllowedMethods.matches("/v1/jobs", "/v1/jobs"));
        assertFalse(AllowedMethods.matches("/v1/jobs", "/v1/jobz"));
    }

    @Test
    void listsEveryMethodServedAtThePath() {
        Vertx vertx = Vertx.vertx();
        try {
            Router r = Router.router(vertx);
            r.post("/v1/jobs/:id/cancel").handler(ctx -> { });
            r.get("/v1/jobs/:id").handler(ctx -> { });
            r.delete("/v1/jobs/:id").handler(ctx -> { });
            assertEquals("POST", AllowedMethods.at(r, "/v1/jobs/x/cancel"));
            assertEquals("DELETE, GET, HEAD", AllowedMethods.at(r, "/v1/jobs/x")); // HEAD with every GET
            assertEquals("", AllowedMethods.at(r, "/v1/other"));
        } finally {
            vertx.close();
        }
    }
}
