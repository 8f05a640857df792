package dev.pfgm.gateway.api;

import dev.pfgm.shared.store.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A response computed off the event loop, written on it: a body, or (a file streamed from storage)
 * a writer that answers on the event loop itself once the headers are set.
 */
public record Reply(int status, String contentType, String body, Map<String, String> headers,
        Consumer<RoutingContext> writer) {
    public Reply(int status, String contentType, String body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    /** {@code body}: a JsonNode or one of {@link Views}' records. */
    public static Reply json(int status, Object body) {
        return new Reply(status, "application/json", Json.write(body), new LinkedHashMap<>());
    }

    public static Reply empty(int status) {
        return new Reply(status, null, null, new LinkedHashMap<>());
    }

    /** {@code writer} sends status and body; the headers collected here (rate limits) go first. */
    public static Reply stream(Consumer<RoutingContext> writer) {
        return new Reply(200, null, null, new LinkedHashMap<>(), writer);
    }

    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
