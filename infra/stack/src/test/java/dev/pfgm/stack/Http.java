package dev.pfgm.stack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A small client for the tests: a base URL, a key, JSON in and out. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    private final String key;

    Http(String base, String key) {
        this.base = base;
        this.key = key;
    }

    Http as(String otherKey) {
        return new Http(base, otherKey);
    }

    /** A response: status, headers and the body parsed as JSON when it is JSON. */
    record Res(int status, HttpResponse<byte[]> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + new String(raw.body(), UTF_8), e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String text() {
            return new String(raw.body(), UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    Res get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = request(path);
        headers.forEach(b::header);
        return send(b.GET().build());
    }

    Res get(String path) {
        return get(path, Map.of());
    }

    Res head(String path) {
        return send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    Res postJson(String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
            headers.forEach(b::header);
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            return send(b.POST(HttpRequest.BodyPublishers.ofString(text)).build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Res putJson(String path, Object body) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            return send(request(path).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(text)).build());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Res postJson(String path, Object body) {
        return postJson(path, body, Map.of());
    }

    Res postBytes(String path, byte[] body) {
        return send(request(path).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Res postFile(String path, Path file) {
        try {
            return send(request(path).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build());
        } catch (java.io.FileNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    Res delete(String path) {
        return send(request(path).DELETE().build());
    }

    static Res fetch(String absoluteUrl) {
        return send(HttpRequest.newBuilder(URI.create(absoluteUrl)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private static Res send(HttpRequest r) {
        try {
            HttpResponse<byte[]> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofByteArray());
            return new Res(resp.statusCode(), resp);
        } catch (IOException e) {
            throw new AssertionError(r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
