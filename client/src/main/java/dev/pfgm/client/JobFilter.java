package dev.pfgm.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of the tenant's jobs a listing gives, as {@code GET /v1/jobs} filters them: a status, a
 * type, an exact name and metadata pairs that must all hold (null or empty: any). The service
 * checks the values and refuses a bad one with a 400 naming it.
 */
public record JobFilter(String status, String type, String name, Map<String, String> metadata) {
    public JobFilter {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Every job. */
    public static JobFilter all() {
        return new JobFilter(null, null, null, Map.of());
    }

    public JobFilter withStatus(String s) {
        return new JobFilter(s, type, name, metadata);
    }

    public JobFilter withType(String t) {
        return new JobFilter(status, t, name, metadata);
    }

    public JobFilter withName(String n) {
        return new JobFilter(status, type, n, metadata);
    }

    /** Adds (or replaces) one metadata pair the jobs must carry. */
    public JobFilter withMetadata(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new JobFilter(status, type, name, m);
    }

    /** The query string, without its '?': {@code status=succeeded&metadata%5Bk%5D=v}. */
    String query() {
        StringBuilder q = new StringBuilder();
        param(q, "status", status);
        param(q, "type", type);
        param(q, "name", name);
        // sorted: the same filter is the same URL, whatever order its pairs were added in
        new java.util.TreeMap<>(metadata).forEach((k, v) -> param(q, "metadata[" + k + "]", v));
        return q.toString();
    }

    private static void param(StringBuilder q, String key, String value) {
        if (value != null) {
            q.append(q.length() == 0 ? "" : "&").append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
