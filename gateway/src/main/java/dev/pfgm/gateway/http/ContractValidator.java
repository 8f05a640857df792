package dev.pfgm.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates request bodies against the schemas of the OpenAPI 3.1 document the gateway serves
 * (JSON Schema 2020-12, as OpenAPI 3.1 specifies), so the document and the checks cannot drift.
 */
public final class ContractValidator {
    public static final String RESOURCE = "/pfgm/openapi.yaml";
    private final String yaml;
    private final String json;
    private final JsonObject components;
    private final Map<String, Validator> validators = new ConcurrentHashMap<>();

    public ContractValidator() {
        try (InputStream in = ContractValidator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
            components = new JsonObject(doc).getJsonObject("components");
            json = new JsonObject(doc).encode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String document() {
        return yaml;
    }

    /** The same contract as JSON, for clients without a YAML parser (the dashboard builds its forms from it). */
    public String documentJson() {
        return json;
    }

    /** Throws a 422 listing every violation (pointer and message) when {@code body} does not fit. */
    public void check(String schemaName, JsonObject body) {
        Validator v = validators.computeIfAbsent(schemaName, this::validator);
        OutputUnit out = v.validate(body);
        if (Boolean.TRUE.equals(out.getValid())) {
            return;
        }
        List<ApiException.FieldError> errors = specific(collectAll(out));
        if (errors.isEmpty()) {
            errors.add(new ApiException.FieldError("", "does not match " + schemaName));
        }
        String detail = errors.size() == 1 ? describe(errors.get(0))
                : errors.size() + " problems, first: " + describe(errors.get(0));
        throw new ApiException(422, "Unprocessable Content", detail, errors);
    }

    private static String describe(ApiException.FieldError e) {
        return (e.pointer().isEmpty() ? "body" : e.pointer()) + ": " + e.message();
    }

    private static List<ApiException.FieldError> collectAll(OutputUnit u) {
        List<ApiException.FieldError> all = new ArrayList<>();
        collect(u, all);
        return all;
    }

    /**
     * The validator reports each failure with its enclosing ones ("a subschema had errors") and
     * flags every property of an object that failed: keep what names the actual problem.
     */
    static List<ApiException.FieldError> specific(List<ApiException.FieldError> all) {
        List<ApiException.FieldError> out = new ArrayList<>();
        for (ApiException.FieldError found : all) {
            final ApiException.FieldError e = found;
            String m = e.message();
            if (m.startsWith("A subschema had errors") || m.endsWith("does not match schema")) {
                continue;
            }
            boolean additional = m.endsWith("does not match additional properties schema");
            if (additional) {
                @SuppressWarnings("ReferenceEquality") // the other messages than this very one
                boolean explained = all.stream().anyMatch(o -> o != e
                        && !o.message().endsWith("does not match additional properties schema")
                        && !o.message().startsWith("A subschema had errors") && !o.message().endsWith("does not match schema")
                        && (o.pointer().equals(e.pointer()) || o.pointer().startsWith(e.pointer() + "/")));
                boolean parentOfOther = all.stream().anyMatch(o -> o.pointer().startsWith(e.pointer() + "/"));
                if (explained || parentOfOther) {
                    continue;
                }
                String name = e.pointer().substring(e.pointer().lastIndexOf('/') + 1);
                var unknown = new ApiException.FieldError(e.pointer(), "unknown property '" + name + "'");
                if (!out.contains(unknown)) {
                    out.add(unknown);
                }
                continue;
            }
            if (!out.contains(e)) {
                out.add(e);
            }
        }
        return out.isEmpty() ? all : out;
    }

    private static void collect(OutputUnit u, List<ApiException.FieldError> errors) {
        if (u.getErrors() != null && !u.getErrors().isEmpty()) {
            for (OutputUnit e : u.getErrors()) {
                collect(e, errors);
            }
            return;
        }
        if (u.getError() != null) {
            String pointer = u.getInstanceLocation() == null ? "" : u.getInstanceLocation();
            if (pointer.startsWith("#")) {
                pointer = pointer.substring(1);
            }
            var fe = new ApiException.FieldError(pointer, u.getError());
            if (!errors.contains(fe)) {
                errors.add(fe);
            }
        }
    }

    private Validator validator(String name) {
        if (!components.getJsonObject("schemas").containsKey(name)) {
            throw new IllegalArgumentException("no schema " + name + " in " + RESOURCE);
        }
        // the schema refers to its siblings as #/components/schemas/X: keep them under the same root
        JsonObject root = new JsonObject().put("$ref", "#/components/schemas/" + name).put("components", components);
        return Validator.create(JsonSchema.of(root), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
                .setBaseUri("https://pfgm.dev/openapi").setOutputFormat(OutputFormat.Basic));
    }
}
