package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * manifest.json of a synthesis, written once every part is committed: the model, the resolved
 * parameters, the filter's threshold, each part (name, first row, rows, bytes, SHA-256, attempt,
 * worker; side files) and the totals. Parts are listed by first row, so concatenating them in the
 * listed order gives rows 0 .. count - 1.
 */
public final class Manifest {
    public static final int VERSION = 1;

    private Manifest() {
    }

    /**
     * @param model     what the synthesis drew from (id or path, file SHA-256, kind, dim, settings, ...)
     * @param threshold the filter's least log density, or null
     * @param classCounts rows per class (null for an unconditional model)
     */
    public static ObjectNode build(JsonNode job, JsonNode model, SynthesisSpec spec, Double threshold,
                                   long[] classCounts, List<PartRecord> parts) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("format_version", VERSION);
        m.set("job", job);
        m.set("model", model);
        m.put("count", spec.count()).put("seed", spec.seed()).put("shard_size", spec.shardSize())
                .put("format", spec.format().wireName());
        m.set("params", spec.toJson());
        if (threshold != null) {
            m.putObject("filter").put("min_log_density_quantile", spec.filterQuantile())
                    .put("threshold", threshold);
        }
        ArrayNode list = m.putArray("parts");
        long rows = 0;
        long bytes = 0;
        long candidates = 0;
        double evaluations = 0;
        double seconds = 0;
        for (PartRecord p : parts.stream().sorted(Comparator.comparingLong(PartRecord::firstRow)).toList()) {
            list.add(p.toJson());
            rows += p.rows();
            bytes += p.bytes();
            candidates += p.candidates();
            evaluations += p.nfe() * p.candidates();
            seconds += p.seconds();
        }
        ObjectNode totals = m.putObject("totals");
        totals.put("parts", parts.size()).put("rows", rows).put("bytes", bytes).put("candidates", candidates)
                .put("nfe", candidates == 0 ? 0 : evaluations / candidates)
                .put("worker_seconds", Math.round(seconds * 1000) / 1000.0);
        if (classCounts != null) {
            ObjectNode cc = totals.putObject("class_counts");
            for (int c = 0; c < classCounts.length; c++) {
                cc.put(Integer.toString(c), classCounts[c]);
            }
        }
        m.put("created_at", Instant.now().toString());
        return m;
    }
}
