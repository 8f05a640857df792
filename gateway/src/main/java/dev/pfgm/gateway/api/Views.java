package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ModelStore.ModelRecord;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The JSON shapes of the API's resources (the OpenAPI document's schemas). */
public final class Views {
    private Views() {
    }

    public static ObjectNode job(JobRecord j) {
        ObjectNode o = Json.object();
        o.put("id", j.id().toString());
        o.put("type", j.type().wireName());
        o.put("status", j.status().wireName());
        o.put("terminal", j.status().terminal());
        o.put("attempt", j.attempt());
        o.put("max_attempts", j.maxAttempts());
        o.set("progress", progress(j));
        o.set("params", j.params());
        o.put("dataset", j.dataset());
        o.put("model", j.modelId() == null ? null : j.modelId().toString());
        o.put("created_at", time(j.createdAt()));
        o.put("started_at", time(j.startedAt()));
        o.put("finished_at", time(j.finishedAt()));
        o.put("name", j.name());
        o.set("metadata", j.metadata() == null ? Json.object() : j.metadata());
        o.set("error", j.error());
        o.set("errors", j.errors());
        o.set("result", publicResult(j.result()));
        o.put("version", j.version());
        return o;
    }

    /** The stored result without the object keys of its files (those are served as artifacts). */
    static JsonNode publicResult(JsonNode result) {
        if (result == null || !result.isObject()) {
            return null;
        }
        ObjectNode copy = ((ObjectNode) result).deepCopy();
        copy.remove("artifacts");
        return copy;
    }

    static ObjectNode progress(JobRecord j) {
        JsonNode p = j.progress();
        ObjectNode o = Json.object();
        double completed = p.path("completed").asDouble(0);
        double total = p.path("total").asDouble(0);
        o.put("completed", completed);
        o.put("total", total);
        o.put("fraction", p.has("fraction") ? p.get("fraction").asDouble() : (j.status().wireName().equals("succeeded") ? 1 : 0));
        if (p.hasNonNull("eta_seconds")) {
            o.put("eta_seconds", p.get("eta_seconds").asDouble());
        } else {
            o.putNull("eta_seconds");
        }
        o.put("message", p.path("message").asText(j.status().wireName()));
        if (p.has("preview")) {
            o.put("preview_step", p.path("preview").path("step").asInt());
        }
        if (p.has("shards")) {
            o.put("rows_per_second", p.path("rows_per_second").asDouble());
            o.set("shards", p.get("shards"));
        }
        return o;
    }

    public static ObjectNode dataset(DatasetRecord d) {
        ObjectNode o = Json.object();
        o.put("id", d.id().toString());
        o.put("name", d.name());
        o.put("format", d.format());
        o.put("count", d.count());
        o.put("dim", d.dim());
        o.put("bytes", d.bytes());
        o.put("sha256", d.sha256());
        o.put("kind", d.images() ? "images" : "table");
        if (d.images()) {
            o.putObject("image").put("channels", d.image().channels()).put("height", d.image().height())
                    .put("width", d.image().width());
        }
        if (d.labels() != null) {
            ObjectNode l = o.putObject("labels");
            l.put("classes", d.labels().classes());
            if (d.labels().column() != null) {
                l.put("column", d.labels().column());
            }
            var counts = l.putArray("counts");
            for (int c : d.labels().classCounts()) {
                counts.add(c);
            }
        }
        o.put("created_at", time(d.createdAt()));
        return o;
    }

    public static ObjectNode model(ModelRecord m) {
        ObjectNode o = Json.object();
        o.put("id", m.id().toString());
        o.put("name", m.name());
        o.put("dataset", m.dataset());
        o.put("dataset_name", m.datasetName());
        o.put("dim", m.dim());
        o.set("settings", m.settings());
        o.set("metrics", m.metrics());
        o.put("training_job", m.jobId().toString());
        o.put("created_at", time(m.createdAt()));
        return o;
    }

    public static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
