package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON object every command prints as its last line of stdout. */
public final class Summary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode node = JSON.createObjectNode();

    public Summary put(String key, String value) {
        node.put(key, value);
        return this;
    }

    public Summary put(String key, long value) {
        node.put(key, value);
        return this;
    }

    public Summary put(String key, double value) {
        node.put(key, value);
        return this;
    }

    public Summary put(String key, boolean value) {
        node.put(key, value);
        return this;
    }

    /** A nested object or array. */
    public Summary put(String key, com.fasterxml.jackson.databind.JsonNode value) {
        node.set(key, value);
        return this;
    }

    public void print() {
        System.out.println(node.toString());
        System.out.flush();
    }

    public ObjectNode node() {
        return node;
    }
}
