package dev.pfgm.shared.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.Text;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many rows of each class a synthesis of a class-conditional model makes: the training data's
 * shares ("data", the default), equal shares ("balanced"), or exact counts ({"3": 10000, "7": 500},
 * summing to the count). Counts are always exact: shares are rounded by largest remainders.
 */
public record ClassMix(String kind, Map<Integer, Long> exact) {
    public static final ClassMix DATA = new ClassMix("data", null);
    public static final ClassMix BALANCED = new ClassMix("balanced", null);

    /** Reads "data", "balanced" or an object of counts for a model with {@code classes} classes. */
    static ClassMix parse(JsonNode v, int classes, long count) {
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "data" -> DATA;
                case "balanced" -> BALANCED;
                default -> throw new SpecException("classes", "must be \"data\", \"balanced\" or an object of counts"
                        + " per class such as {\"3\": 100}; got \"" + v.asText() + "\"");
            };
        }
        if (!v.isObject() || v.isEmpty()) {
            throw new SpecException("classes", "must be \"data\", \"balanced\" or an object of counts per class such"
                    + " as {\"3\": 100}");
        }
        Map<Integer, Long> counts = new TreeMap<>();
        long sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            // a class number as written once: "-0", "+3" and "03" parsed as numbers too
            if (!e.getKey().matches("0|[1-9][0-9]{0,8}")) {
                throw new SpecException("classes", "key '" + Text.printable(e.getKey())
                        + "' is not a class number (0, 1, 2, ... without sign or leading zeros)");
            }
            int c = Integer.parseInt(e.getKey());
            if (c < 0 || c >= classes) {
                throw new SpecException("classes", "class " + e.getKey() + " is outside the model's 0.." + (classes - 1));
            }
            if (counts.containsKey(c)) { // a JSON object with one key twice
                throw new SpecException("classes", "class " + c + " is given twice");
            }
            JsonNode n = e.getValue();
            if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
                throw new SpecException("classes", "the count of class " + c + " must be a non-negative integer, got "
                        + n);
            }
            counts.put(c, n.asLong());
            sum += n.asLong();
            if (sum > count) {
                break;
            }
        }
        if (sum != count) {
            throw new SpecException("classes", "the counts add up to " + (sum > count ? "more than " + count : sum)
                    + ", not to count (" + count + ")");
        }
        return new ClassMix("exact", Map.copyOf(counts));
    }

    /** Rows per class, exactly {@code count} in all; {@code trainingCounts} gives the data's shares. */
    public long[] counts(long count, int[] trainingCounts) {
        int classes = trainingCounts.length;
        long[] out = new long[classes];
        switch (kind) {
            case "exact" -> exact.forEach((c, n) -> out[c] = n);
            case "balanced" -> {
                int[] ones = new int[classes];
                java.util.Arrays.fill(ones, 1);
                return apportion(count, ones);
            }
            default -> {
                return apportion(count, trainingCounts);
            }
        }
        return out;
    }

    /** Largest-remainder rounding of count x weight / total (ties to the lower class). */
    static long[] apportion(long count, int[] weights) {
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        long[] out = new long[weights.length];
        double[] rest = new double[weights.length];
        long given = 0;
        for (int c = 0; c < weights.length; c++) {
            double exactShare = (double) count * weights[c] / total;
            out[c] = (long) Math.floor(exactShare);
            rest[c] = exactShare - out[c];
            given += out[c];
        }
        while (given < count) {
            int best = -1;
            for (int c = 0; c < weights.length; c++) {
                if (weights[c] > 0 && (best < 0 || rest[c] > rest[best])) {
                    best = c;
                }
            }
            out[best]++;
            rest[best] = -1;
            given++;
        }
        return out;
    }

    public JsonNode toJson() {
        if (exact == null) {
            return JsonNodeFactory.instance.textNode(kind);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(exact).forEach((c, n) -> o.put(Integer.toString(c), n));
        return o;
    }
}
