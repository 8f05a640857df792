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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates request bodies against the schemas of the OpenAPI 3.1 document the gateway serves
 * (JSON Schema 2020-12, as OpenAPI 3.1 specifies), so the document and the checks cannot drift.
 */
public final class ContractValidator {
    public static final String RESOURCE = "/pfgm/openapi.yaml";
    /** Errors listed in a 422 at most. */
    static final int MAX_LISTED = 100;
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
        // the count stays in the detail; a body of 100,000 unknown keys does not get them all back
        throw new ApiException(422, "Unprocessable Content", detail,
                errors.size() > MAX_LISTED ? errors.subList(0, MAX_LISTED) : errors);
    }

    private static String describe(ApiException.FieldError e) {
        return (e.pointer().isEmpty() ? "body" : e.pointer()) + ": " + e.message();
    }

    private static List<ApiException.FieldError> collectAll(OutputUnit u) {
        Set<ApiException.FieldError> all = new LinkedHashSet<>();
        collect(u, all);
        return new ArrayList<>(all);
    }

    /**
     * The validator reports each failure with its enclosing ones ("a subschema had errors") and
     * flags every property of an object that failed: keep what names the actual problem. Linear in
     * the number of errors (sets of pointers, not a scan per error): a body of 50,000 unknown keys
     * once held a request thread for minutes here.
     */
    static List<ApiException.FieldError> specific(List<ApiException.FieldError> all) {
        // pointers under which some error lies (strictly), and those under which a real one does (or at)
        Set<String> aboveAny = new HashSet<>();
        Set<String> atOrAboveReal = new HashSet<>();
        for (ApiException.FieldError e : all) {
            boolean real = !wrapper(e.message()) && !additional(e.message());
            if (real) {
                atOrAboveReal.add(e.pointer());
            }
            for (int slash = e.pointer().lastIndexOf('/'); slash >= 0; slash = e.pointer().lastIndexOf('/', slash - 1)) {
                String parent = e.pointer().substring(0, slash);
                boolean added = aboveAny.add(parent);
                if (real) {
                    added |= atOrAboveReal.add(parent);
                }
                if (!added || slash == 0) {
                    break; // its ancestors are in both sets already
                }
            }
        }
        Set<ApiException.FieldError> out = new LinkedHashSet<>();
        for (ApiException.FieldError e : all) {
            if (wrapper(e.message())) {
                continue;
            }
            if (additional(e.message())) {
                if (atOrAboveReal.contains(e.pointer()) || aboveAny.contains(e.pointer())) {
                    continue; // explained by the error under it
                }
                String name = e.pointer().substring(e.pointer().lastIndexOf('/') + 1);
                out.add(new ApiException.FieldError(e.pointer(), "unknown property '" + name + "'"
                        + HINTS.getOrDefault(e.pointer(), "")));
                continue;
            }
            out.add(e);
        }
        return out.isEmpty() ? all : new ArrayList<>(out);
    }

    /** Where an unknown property has a home elsewhere in the API, the refusal says where. */
    private static final java.util.Map<String, String> HINTS = java.util.Map.of("/params/label_column",
            "; a table's label column is named when it is uploaded (POST /v1/datasets?...&label_column=NAME), and a"
                    + " train job on that dataset is class-conditional");

    private static boolean wrapper(String message) {
        return message.startsWith("A subschema had errors") || message.endsWith("does not match schema");
    }

    private static boolean additional(String message) {
        return message.endsWith("does not match additional properties schema");
    }

    private static void collect(OutputUnit u, Set<ApiException.FieldError> errors) {
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
            String message = u.getError();
            String keyword = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
            if (keyword.endsWith("/maxProperties") && message.startsWith("Instance does not have at least ")) {
                // the validator words a maximum as a minimum ("does not have at least 16 properties")
                message = "has more than " + message.substring("Instance does not have at least ".length());
            }
            errors.add(new ApiException.FieldError(pointer, message));
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
