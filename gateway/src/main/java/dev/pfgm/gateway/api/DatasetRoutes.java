package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Problem;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.Text;
import dev.pfgm.shared.data.DataLimits;
import dev.pfgm.shared.data.DatasetCheck;
import dev.pfgm.shared.data.Labels;
import dev.pfgm.shared.data.LimitExceededException;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.GuardedChange;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.Keys;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.QuotaStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * /v1/datasets: upload (checked before anything is stored), list, get, delete. An upload streams
 * to a temporary file, never into the heap, and is checked on a pool of its own ({@link UploadGate}),
 * so a hostile file cannot hold up other requests.
 */
public record DatasetRoutes(Endpoint endpoint, DatasetStore datasets, ObjectStore objects, UploadGate gate, DataLimits limits, QuotaStore quotas, FileLinks links) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DatasetRoutes.class);
    /** Images in a dataset's thumbnail grid. */
    static final int THUMBNAILS = 64;
    /** Upload formats and the file extension each is stored under. */
    static final java.util.Map<String, String> FORMATS = java.util.Map.of("npy", "npy", "csv", "csv", "idx", "idx",
            "png-zip", "zip");

    /** The upload route reads its raw body itself: whatever Content-Type a client sends, it is a file. */
    public void mountUpload(Router r) {
        r.post("/v1/datasets/:id/labels").handler(ctx -> gate.receive(ctx, gate.maxBytes(LABELS_LIMIT),
                (caller, file, size) -> labels(ctx, caller.tenant(), file, size)));
        r.post("/v1/datasets").handler(ctx -> {
            Params p;
            try {
                p = params(ctx); // before a byte of the body is read
            } catch (ApiException e) {
                Problem.send(ctx, e);
                return;
            }
            gate.receive(ctx, gate.maxBytes(Long.MAX_VALUE), (caller, file, size) -> upload(caller.tenant(), p, file, size));
        });
    }

    /** Labels are a header and at most a few bytes per image. */
    private static final long LABELS_LIMIT = 64L << 20;

    /** POST /v1/datasets/{id}/labels?format=idx|npy|csv: an image dataset's labels, one per image, checked first. */
    private Reply labels(RoutingContext ctx, String tenant, Path file, long size) throws Exception {
        DatasetRecord d = find(tenant, ctx.pathParam("id"));
        String format = ctx.request().getParam("format");
        if (format == null || !java.util.Set.of("idx", "npy", "csv").contains(format)) {
            throw ApiException.badRequest("/query/format", "required: idx, npy or csv, got "
                    + (format == null ? "nothing" : "'" + Text.printable(format) + "'"));
        }
        if (!d.images()) {
            throw ApiException.invalid("/dataset", "dataset " + d.id() + " is a table: a table names its label column"
                    + " on upload (label_column)");
        }
        if (size == 0) {
            throw ApiException.invalid("/body", "the request body (the labels file) is empty");
        }
        // a label takes a few bytes in any of the formats: a file much larger is not these images' labels
        long most = 16L * d.count() + 4096;
        if (size > most) {
            throw ApiException.invalid("/body", "a labels file for " + d.count() + " images is at most " + most
                    + " bytes; this one has " + size);
        }
        int[] labels;
        try {
            labels = Labels.read(Files.readAllBytes(file), format, "labels", d.count());
            Labels.everyClassUsed(Labels.counts(labels), "labels");
        } catch (InvalidInputException e) {
            throw ApiException.invalid("/body", e.getMessage());
        }
        String key = Keys.datasetLabels(d.id(), format);
        objects.put(key, file, "application/octet-stream");
        GuardedChange.Outcome<DatasetStore.Relabelled> set = datasets.setLabels(tenant, d.id(), key, format, Labels.counts(labels))
                .orElse(null);
        if (set == null || !set.done()) {
            objects.delete(key);
            if (set == null) {
                throw ApiException.notFound("dataset", d.id().toString());
            }
            throw new ApiException(409, "Conflict", "job " + set.busyWith() + " (queued or running) uses dataset " + d.id()
                    + "; its labels change when no queued or running job uses it");
        }
        if (set.result().replacedKey() != null) {
            objects.delete(set.result().replacedKey());
        }
        return Reply.json(200, Views.dataset(set.result().dataset()));
    }

    public void mount(Router r) {
        r.get("/v1/datasets").handler(ctx -> endpoint.run(ctx, caller -> {
            return Paging.list(ctx, "dataset", (limit, after) -> datasets.list(caller.tenant(), limit, after),
                    id -> datasets.get(caller.tenant(), id).isPresent(), Views::dataset, DatasetRecord::id, "/v1/datasets");
        }));
        r.get("/v1/datasets/:id").handler(ctx -> endpoint.run(ctx, caller -> Reply.json(200,
                Views.dataset(find(caller.tenant(), ctx.pathParam("id"))))));
        r.get("/v1/datasets/:id/preview").handler(ctx -> endpoint.run(ctx, caller -> {
            DatasetRecord d = find(caller.tenant(), ctx.pathParam("id"));
            if (!d.images()) {
                throw new ApiException(404, "Not Found", "dataset " + d.id() + " is a table; thumbnails are for image"
                        + " datasets");
            }
            String key = Keys.datasetThumbnails(d.id());
            if (objects.list(key).isEmpty()) { // uploaded before uploads made them: made once, now
                Path file = Files.createTempFile("pfgm-dataset-", "." + FORMATS.get(d.format()));
                try {
                    objects.get(d.objectKey(), file);
                    storeThumbnails(d.id(), file, d.format(), d.name());
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            return Reply.json(200, Json.object().put("kind", "image_grid").put("count", d.count())
                    .put("shown", Math.min(THUMBNAILS, d.count())).put("grid_url", links.url(ctx, key)))
                    .header("Cache-Control", "private, max-age=" + links.seconds() / 2); // as a job's preview
        }));
        r.delete("/v1/datasets/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            DatasetRecord d = find(caller.tenant(), ctx.pathParam("id"));
            Optional<GuardedChange.Outcome<String>> deleted = datasets.delete(caller.tenant(), d.id());
            if (deleted.isPresent() && !deleted.get().done()) {
                throw new ApiException(409, "Conflict", "job " + deleted.get().busyWith() + " (queued or running) uses"
                        + " dataset " + d.id() + "; delete it when no queued or running job does");
            }
            if (deleted.isPresent()) {
                objects.delete(d.objectKey());
                if (d.images()) {
                    objects.delete(Keys.datasetThumbnails(d.id()));
                }
                if (d.labels() != null && d.labels().key() != null) {
                    objects.delete(d.labels().key());
                }
            }
            return Reply.empty(204);
        }));
    }

    /** The grid of an image dataset's first images, from its file (read no further than those). */
    private void storeThumbnails(UUID id, Path file, String format, String name) throws java.io.IOException {
        Path png = Files.createTempFile("pfgm-thumbnails-", ".png");
        try {
            Files.write(png, dev.pfgm.shared.data.ImageFiles.thumbnails(file, format, THUMBNAILS, name, limits));
            objects.put(Keys.datasetThumbnails(id), png, "image/png");
        } finally {
            Files.deleteIfExists(png);
        }
    }

    private DatasetRecord find(String tenant, String rawId) {
        UUID id = Endpoint.uuid(rawId, "dataset");
        return datasets.get(tenant, id).orElseThrow(() -> ApiException.notFound("dataset", rawId));
    }

    /** An upload's query parameters, checked before its body is read. */
    private record Params(String name, String format, String labelColumn) {
    }

    private static Params params(RoutingContext ctx) {
        String name = ctx.request().getParam("name");
        String format = ctx.request().getParam("format");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiException.badRequest("/query/name", "required: 1 to 200 characters naming the dataset");
        }
        if (Text.hasUnfit(name)) {
            throw ApiException.invalid("/query/name", "must not contain NUL, other control characters or half a surrogate pair");
        }
        if (format == null || !FORMATS.containsKey(format)) {
            throw ApiException.badRequest("/query/format", "required: npy, csv, idx or png-zip, got "
                    + (format == null ? "nothing" : "'" + Text.printable(format) + "'"));
        }
        String labelColumn = ctx.request().getParam("label_column");
        if (labelColumn != null && (labelColumn.isBlank() || labelColumn.length() > 200 || Text.hasUnfit(labelColumn))) {
            throw ApiException.invalid("/query/label_column", "a column name or 0-based index of 1 to 200 printable"
                    + " characters");
        }
        if (labelColumn != null && (format.equals("idx") || format.equals("png-zip"))) {
            throw imagesTakeLabelFiles();
        }
        return new Params(name, format, labelColumn);
    }

    private static ApiException imagesTakeLabelFiles() {
        return ApiException.invalid("/query/label_column", "images take their labels from a file of their own:"
                + " POST /v1/datasets/{id}/labels after the upload");
    }

    private Reply upload(String tenant, Params p, Path file, long size) throws Exception {
        if (size == 0) {
            throw ApiException.invalid("/body", "the request body (the " + p.format() + " file) is empty");
        }
        long stored = quotas.usage(tenant).storedBytes();
        long quota = quotas.get(tenant).storedBytes();
        if (stored + size > quota) {
            throw new ApiException(413, "Content Too Large", "tenant " + tenant + " keeps " + stored + " bytes of"
                    + " datasets; " + size + " more would pass its stored_bytes quota of " + quota
                    + " (delete datasets, or ask an admin)", List.of(new ApiException.FieldError("/body",
                    "exceeds the stored_bytes quota")));
        }
        DatasetCheck.Summary s;
        try {
            s = DatasetCheck.inspect(file, p.format(), p.name(), p.labelColumn(), limits);
        } catch (LimitExceededException e) {
            throw new ApiException(413, "Content Too Large", e.getMessage(),
                    List.of(new ApiException.FieldError("/body", "exceeds " + e.setting())));
        } catch (DatasetCheck.LabelColumnException e) {
            throw ApiException.invalid("/query/label_column", e.getMessage());
        } catch (InvalidInputException e) {
            throw ApiException.invalid("/body", e.getMessage());
        }
        if (s.images() && p.labelColumn() != null) {
            throw imagesTakeLabelFiles();
        }
        DatasetStore.ImageShape image = s.images() ? new DatasetStore.ImageShape(s.channels(), s.height(), s.width())
                : null;
        UUID id = UUID.randomUUID();
        String key = Keys.dataset(id, FORMATS.get(p.format()));
        objects.put(key, file, p.format().equals("csv") ? "text/csv" : p.format().equals("png-zip") ? "application/zip"
                : "application/octet-stream");
        try {
            if (s.images()) {
                try {
                    storeThumbnails(id, file, p.format(), p.name());
                } catch (java.io.IOException | RuntimeException e) {
                    // the upload stands: the preview route tries again when someone looks
                    LOG.warn("thumbnails of dataset {}: {}", id, e.toString());
                }
            }
            DatasetRecord d = datasets.insert(id, tenant, p.name(), p.format(), s.count(), s.dim(), size, s.sha256(), key, image,
                    s.labelColumn(), s.classCounts());
            return Reply.json(201, Views.dataset(d)).header("Location", "/v1/datasets/" + id);
        } catch (RuntimeException e) {
            objects.delete(key);
            throw e;
        }
    }
}
