package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractValidatorTest {
    final ContractValidator v = new ContractValidator();

    @Test
    void acceptsWhatTheDocumentAllows() {
        v.check("TrainJob", new JsonObject("{\"type\":\"train\",\"dataset\":\"builtin:moons\","
                + "\"params\":{\"steps\":100,\"lr\":0.001,\"restrict\":false}}"));
        v.check("GenerateJob", new JsonObject("{\"type\":\"generate\",\"model\":\"6f1c2d8e-4a7b-4c55-9d1e-2b3c4d5e6f70\","
                + "\"params\":{\"count\":5,\"solver\":\"heun\",\"steps\":20}}"));
        v.check("KeyRequest", new JsonObject("{\"tenant\":\"acme-1\"}"));
    }

    @Test
    void namesEachProblemByPointer() {
        ApiException e = assertThrows(ApiException.class, () -> v.check("TrainJob", new JsonObject(
                "{\"type\":\"train\",\"dataset\":\"builtin:moons\",\"params\":{\"steps\":0,\"lr\":\"fast\",\"colour\":1}}")));
        assertEquals(422, e.status());
        List<String> pointers = e.errors().stream().map(ApiException.FieldError::pointer).toList();
        assertTrue(pointers.contains("/params/steps"), pointers.toString());
        assertTrue(pointers.contains("/params/lr"), pointers.toString());
        assertTrue(pointers.contains("/params/colour"), pointers.toString());
        assertTrue(e.errors().stream().anyMatch(f -> f.message().equals("unknown property 'colour'")), e.errors().toString());
        assertTrue(e.errors().stream().noneMatch(f -> f.message().startsWith("A subschema")), e.errors().toString());
    }

    @Test
    void missingRequiredFields() {
        ApiException e = assertThrows(ApiException.class, () -> v.check("GenerateJob",
                new JsonObject("{\"type\":\"generate\",\"params\":{}}")));
        assertTrue(e.getMessage().contains("model") || e.errors().toString().contains("model"), e.errors().toString());
    }

    @Test
    void servesAnOpenApi31Document() {
        assertTrue(v.document().startsWith("openapi: 3.1.0"));
        for (String path : List.of("/v1/datasets:", "/v1/jobs:", "/v1/jobs/{id}/cancel:", "/v1/jobs/{id}/events:",
                "/v1/jobs/{id}/artifacts/{name}:", "/v1/models/{id}:", "/v1/admin/keys/{prefix}:", "/readyz:")) {
            assertTrue(v.document().contains(path), path);
        }
    }
}
