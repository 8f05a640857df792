package dev.pfgm.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.store.Json;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Writes RFC 9457 application/problem+json responses. */
public final class Problem {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://pfgm.dev/problems/";

    private Problem() {
    }

    public static void send(RoutingContext ctx, ApiException e) {
        send(ctx.request(), e);
    }

    /** The same for a request no router has seen (one the HTTP decoder refused). */
    public static void send(HttpServerRequest request, ApiException e) {
        HttpServerResponse response = request.response();
        ObjectNode body = Json.object();
        body.put("type", TYPE_BASE + e.title().toLowerCase(Locale.ROOT).replace(' ', '-'));
        body.put("title", e.title());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        body.put("instance", request.path());
        if (!e.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            for (ApiException.FieldError fe : e.errors()) {
                errors.addObject().put("pointer", fe.pointer()).put("message", fe.message());
            }
        }
        if (response.ended()) {
            return;
        }
        e.headers().forEach(response::putHeader);
        if (e.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.setStatusCode(e.status()).putHeader("Content-Type", CONTENT_TYPE).end(Json.write(body));
    }
}
