package dev.pfgm.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.DatasetStore.ImageShape;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ModelStore.ModelRecord;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON shapes of the API's resources (the OpenAPI document's schemas), one record each, written
 * by the service's ObjectMapper with snake_case names. A field is always present (null when unknown)
 * unless marked otherwise.
 */
public final class Views {
    private Views() {
    }

    /** A job; {@code retentionDays} 0 means its files are kept until deleted. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Job(String id, String type, String status, boolean terminal, int attempt, int maxAttempts,
            Progress progress, JsonNode params, String dataset, String model, String createdAt, String startedAt,
            String finishedAt, String name, JsonNode metadata, JsonNode error, JsonNode errors, JsonNode result,
            long version, String expiresAt, String filesExpiredAt, String webhook) {
    }

    /** How far a job has come; the last three fields only for the jobs that have them. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Progress(double completed, double total, double fraction, Double etaSeconds, String message,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer previewStep,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double rowsPerSecond,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode shards) {
    }

    /** A dataset; {@code image} for image datasets and {@code labels} for labelled ones, else absent. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Dataset(String id, String name, String format, int count, int dim, long bytes, String sha256,
            String kind, @JsonInclude(JsonInclude.Include.NON_NULL) ImageShape image,
            @JsonInclude(JsonInclude.Include.NON_NULL) Labels labels, String createdAt) {
    }

    /** {@code column} only when the labels came from a column of a table. */
    public record Labels(int classes, @JsonInclude(JsonInclude.Include.NON_NULL) String column, int[] counts) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Model(String id, String name, String dataset, String datasetName, int dim, JsonNode settings,
            JsonNode metrics, String trainingJob, String createdAt) {
    }

    public static Job job(JobRecord j, int retentionDays) {
        return new Job(j.id().toString(), j.type().wireName(), j.status().wireName(), j.status().terminal(),
                j.attempt(), j.maxAttempts(), progress(j), j.params(), j.dataset(),
                j.modelId() == null ? null : j.modelId().toString(), time(j.createdAt()), time(j.startedAt()),
                time(j.finishedAt()), j.name(), j.metadata() == null ? Json.object() : j.metadata(), j.error(),
                j.errors(), publicResult(j.result()), j.version(),
                retentionDays == 0 || j.finishedAt() == null ? null : time(j.finishedAt().plusDays(retentionDays)),
                time(j.filesExpiredAt()), j.webhook());
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

    static Progress progress(JobRecord j) {
        JsonNode p = j.progress();
        double fraction = p.has("fraction") ? p.get("fraction").asDouble() : j.status() == JobStatus.SUCCEEDED ? 1 : 0;
        boolean sharded = p.has("shards");
        return new Progress(p.path("completed").asDouble(0), p.path("total").asDouble(0), fraction,
                p.hasNonNull("eta_seconds") ? p.get("eta_seconds").asDouble() : null,
                p.path("message").asText(j.status().wireName()),
                p.has("preview") ? p.path("preview").path("step").asInt() : null,
                sharded ? p.path("rows_per_second").asDouble() : null, sharded ? p.get("shards") : null);
    }

    public static Dataset dataset(DatasetRecord d) {
        Labels labels = d.labels() == null ? null
                : new Labels(d.labels().classes(), d.labels().column(), d.labels().classCounts());
        return new Dataset(d.id().toString(), d.name(), d.format(), d.count(), d.dim(), d.bytes(), d.sha256(),
                d.images() ? "images" : "table", d.image(), labels, time(d.createdAt()));
    }

    public static Model model(ModelRecord m) {
        return new Model(m.id().toString(), m.name(), m.dataset(), m.datasetName(), m.dim(), m.settings(), m.metrics(),
                m.jobId().toString(), time(m.createdAt()));
    }

    public static String time(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
