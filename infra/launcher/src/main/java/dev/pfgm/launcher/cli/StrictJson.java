package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;

/**
 * JSON the user hands the command line (settings files, job bodies): one object, nothing after it,
 * no key twice. A lenient reader kept the last of two keys and ignored text after the object.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictJson() {
    }

    /** The JSON object in {@code bytes}; {@code where} begins the one-line error ("--config 'x.json'"). */
    public static JsonNode object(byte[] bytes, String where) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidInputException(where + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(where + ": must be a JSON object");
        }
        return node;
    }
}
