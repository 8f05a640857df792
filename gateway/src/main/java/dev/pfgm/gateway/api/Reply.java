package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.store.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response computed off the event loop, written on it. */
public record Reply(int status, String contentType, String body, Map<String, String> headers) {
    public static Reply json(int status, JsonNode body) {
        return new Reply(status, "application/json", Json.write(body), new LinkedHashMap<>());
    }

    public static Reply empty(int status) {
        return new Reply(status, null, null, new LinkedHashMap<>());
    }

    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
