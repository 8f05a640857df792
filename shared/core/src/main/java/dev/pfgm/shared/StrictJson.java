package dev.pfgm.shared;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/**
 * JSON a user hands the service or the command line (request bodies, settings files): UTF-8, one
 * object, nothing after it, no key twice, no comments. A lenient reader kept the last of two keys
 * (so {"type": "train", "type": "generate"} was a generate job) and ignored text after the object;
 * Jackson's own decoding reads an overlong sequence (C0 AF as "/") and an encoded surrogate as text.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictJson() {
    }

    /** The JSON object in {@code bytes}; {@code where} begins the one-line error ("--config 'x.json'"). */
    public static JsonNode object(byte[] bytes, String where) {
        requireUtf8(bytes, where);
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw notJson(where, e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(where + ": must be a JSON object");
        }
        return node;
    }

    /** The JSON object in {@code bytes} as maps, lists and boxed values (what Vert.x's JsonObject wraps). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(byte[] bytes, String where) {
        requireUtf8(bytes, where);
        Object value;
        try {
            value = blank(bytes) ? null : MAPPER.readValue(bytes, Object.class);
        } catch (IOException e) {
            throw notJson(where, e);
        }
        if (!(value instanceof Map)) {
            throw new InvalidInputException(where + ": must be a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private static void requireUtf8(byte[] bytes, String where) {
        int bad = Text.notUtf8At(bytes);
        if (bad >= 0) {
            throw new InvalidInputException(where + ": not valid JSON: not UTF-8 text at byte " + bad);
        }
    }

    /** Nothing but JSON's white space (readTree reads it as no value, readValue as an error). */
    private static boolean blank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static InvalidInputException notJson(String where, IOException e) {
        return new InvalidInputException(where + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
}
