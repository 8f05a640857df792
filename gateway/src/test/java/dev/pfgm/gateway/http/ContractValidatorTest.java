package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ContractValidatorTest {
    final ContractValidator v = new ContractValidator();

    @Test
    void acceptsWhatTheDocumentAllows() {
        assertDoesNotThrow(() -> v.check("TrainJob", new JsonObject("{\"type\":\"train\",\"dataset\":\"builtin:moons\","
                + "\"params\":{\"steps\":100,\"lr\":0.001,\"restrict\":false}}")));
        assertDoesNotThrow(() -> v.check("GenerateJob", new JsonObject("{\"type\":\"generate\","
                + "\"model\":\"6f1c2d8e-4a7b-4c55-9d1e-2b3c4d5e6f70\",\"params\":{\"count\":5,\"solver\":\"heun\",\"steps\":20}}")));
        assertDoesNotThrow(() -> v.check("KeyRequest", new JsonObject("{\"tenant\":\"acme-1\"}")));
    }

    /** Each train setting at the edge of its range passes, and the value just past it is refused by name. */
    @Test
    void acceptsTheEdgesOfARangeAndNothingPastThem() {
        String[][] pairs = {
            {"\"steps\": 1", "\"steps\": 0", "/params/steps"},
            {"\"z_min\": 0", "\"z_min\": -0.001", "/params/z_min"},
            {"\"aug_dim\": \"inf\"", "\"aug_dim\": \"infinity\"", "/params/aug_dim"},
            {"\"aug_dim\": 1000000", "\"aug_dim\": 1000001", "/params/aug_dim"},
            {"\"jitter\": 0", "\"jitter\": -0.1", "/params/jitter"},
        };
        for (String[] p : pairs) {
            assertDoesNotThrow(() -> v.check("TrainJob", train(p[0])), p[0]);
            ApiException e = assertThrows(ApiException.class, () -> v.check("TrainJob", train(p[1])), p[1]);
            assertEquals(422, e.status());
            assertTrue(e.errors().stream().anyMatch(f -> f.pointer().equals(p[2])), p[1] + ": " + e.errors());
        }
    }

    private static JsonObject train(String param) {
        return new JsonObject("{\"type\":\"train\",\"dataset\":\"builtin:moons\",\"params\":{" + param + "}}");
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

    /** A property the API takes elsewhere says where: label_column is the upload's. */
    @Test
    void anUnknownPropertyWithAHomeElsewhereSaysWhere() {
        ApiException e = assertThrows(ApiException.class, () -> v.check("TrainJob", train("\"label_column\": \"y\"")));
        assertTrue(e.errors().stream().anyMatch(f -> f.pointer().equals("/params/label_column")
                && f.message().startsWith("unknown property 'label_column'; a table's label column is named when it is"
                        + " uploaded")), e.errors().toString());
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

    /**
     * A body of 100,000 unknown keys (about 1 MiB, the body limit) is one 422 listing the first 100:
     * sorting the validator's errors was quadratic, and 50,000 keys held a request thread for minutes.
     */
    @Test
    @Timeout(30)
    void aBodyOfManyUnknownKeysIsOne422() {
        JsonObject body = new JsonObject().put("type", "train").put("dataset", "builtin:moons");
        for (int i = 0; i < 100_000; i++) {
            body.put("k" + i, 1);
        }
        ApiException e = assertThrows(ApiException.class, () -> v.check("TrainJob", body));
        assertEquals(422, e.status());
        assertEquals(ContractValidator.MAX_LISTED, e.errors().size());
        assertTrue(e.getMessage().startsWith("100000 problems, first: /k"), e.getMessage());
        assertEquals(new ApiException.FieldError("/k0", "unknown property 'k0'"), e.errors().get(0));
    }

    @Test
    void aMaximumOfPropertiesIsWordedAsOne() {
        JsonObject metadata = new JsonObject();
        for (int i = 0; i < 17; i++) {
            metadata.put("k" + i, "v");
        }
        ApiException e = assertThrows(ApiException.class, () -> v.check("TrainJob", new JsonObject()
                .put("type", "train").put("dataset", "builtin:moons").put("metadata", metadata)));
        assertEquals(List.of(new ApiException.FieldError("/metadata", "has more than 16 properties")), e.errors());
    }

    /** What is kept of the validator's errors: the specific ones, each once. */
    @Test
    void keepsTheErrorsThatNameTheProblem() {
        String extra = "Property 'x' does not match additional properties schema";
        var wrap = new ApiException.FieldError("/params", "A subschema had errors");
        var steps = new ApiException.FieldError("/params/steps", "Instance must be >= 1");
        // an object flagged for a property because something inside it failed: the inner error stands
        assertEquals(List.of(steps), ContractValidator.specific(List.of(wrap,
                new ApiException.FieldError("/params", extra), steps, steps)));
        assertEquals(List.of(steps), ContractValidator.specific(List.of(
                new ApiException.FieldError("/params/steps", extra), steps)));
        // an unknown property on its own is named as one
        assertEquals(List.of(new ApiException.FieldError("/params/colour", "unknown property 'colour'")),
                ContractValidator.specific(List.of(wrap, new ApiException.FieldError("/params/colour", extra),
                        new ApiException.FieldError("/params/colour", extra))));
        // one whose pointer holds any other error, even another unknown one, is that error's parent
        var deep = new ApiException.FieldError("/a/b", extra);
        assertEquals(List.of(new ApiException.FieldError("/a/b", "unknown property 'b'")),
                ContractValidator.specific(List.of(new ApiException.FieldError("/a", extra), deep)));
        // nothing specific: everything, rather than nothing
        assertEquals(List.of(wrap), ContractValidator.specific(List.of(wrap)));
    }
}
