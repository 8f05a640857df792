package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.store.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The form of a body an Idempotency-Key's fingerprint is taken of: one spelling per value. */
class CanonicalBodyTest {
    private static String canonical(String body) {
        // as the route sees it: Vert.x's parse, then Jackson's tree
        JsonNode n = Json.MAPPER.valueToTree(new JsonObject(body).getMap());
        return JobRoutes.canonical(n);
    }

    @Test
    void aNumberIsOneValueHoweverItIsWritten() {
        // "count": 2 then 2.0 under one key was refused as a different request
        assertEquals(canonical("{\"params\": {\"count\": 2}}"), canonical("{\"params\": {\"count\": 2.0}}"));
        assertEquals(canonical("{\"a\": 1e-5, \"b\": 0}"), canonical("{\"b\": 0.0, \"a\": 0.00001}"));
        assertEquals("{\"a\":1E+300}", canonical("{\"a\": 1e300}"));
        assertNotEquals(canonical("{\"count\": 2}"), canonical("{\"count\": 3}"));
        assertNotEquals(canonical("{\"count\": 2}"), canonical("{\"count\": \"2\"}"));
    }
}
