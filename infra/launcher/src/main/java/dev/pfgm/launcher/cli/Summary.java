package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON object every command prints as its last line of stdout. */
public final class Summary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode node = JSON.createObjectNode();

    /** A string, number, boolean, or a nested object or array (a JsonNode). */
    public Summary put(String key, Object value) {
        node.set(key, JSON.valueToTree(value));
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
