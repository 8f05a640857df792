package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.CsvFile;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.IdxFile;
import dev.pfgm.shared.data.ImageNpy;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.Labels;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.data.PngZip;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.Keys;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.gateway.http.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** /v1/datasets: upload (validated before anything is stored), list, get, delete. */
public final class DatasetRoutes {
    private final Endpoint endpoint;
    private final DatasetStore datasets;
    private final ObjectStore objects;
    private final long maxBytes;
    /** Upload formats and the file extension each is stored under. */
    static final java.util.Map<String, String> FORMATS = java.util.Map.of("npy", "npy", "csv", "csv", "idx", "idx",
            "png-zip", "zip");

    public DatasetRoutes(Endpoint endpoint, DatasetStore datasets, ObjectStore objects, long maxBytes) {
        this.endpoint = endpoint;
        this.datasets = datasets;
        this.objects = objects;
        this.maxBytes = maxBytes;
    }

    /** The upload route reads its raw body itself: whatever Content-Type a client sends, it is a file. */
    public void mountUpload(Router r) {
        mountLabels(r);
        r.post("/v1/datasets").handler(ctx -> withBody(ctx, maxBytes, this::tooLarge,
                (caller, body) -> upload(ctx, caller.tenant(), body)));
    }

    /** What a route does with a raw body once its caller is known. */
    @FunctionalInterface
    private interface BodyWork {
        Reply run(dev.pfgm.shared.store.KeyStore.Principal caller, byte[] body) throws Exception;
    }

    /**
     * Reads a raw request body of at most {@code limit} bytes and runs {@code work} with it. The key
     * is checked before a byte of the body is read, and a body past the limit is dropped as it
     * arrives: strangers cannot fill memory.
     */
    private void withBody(RoutingContext ctx, long limit, java.util.function.Supplier<ApiException> tooLarge,
                          BodyWork work) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
            Problem.send(ctx, tooLarge.get());
            return;
        }
        req.pause();
        endpoint.authenticated(ctx, caller -> {
            Buffer body = Buffer.buffer();
            boolean[] overflow = {false};
            req.handler(chunk -> {
                if (body.length() + chunk.length() > limit) {
                    overflow[0] = true;
                } else if (!overflow[0]) {
                    body.appendBuffer(chunk);
                }
            });
            req.exceptionHandler(e -> ctx.fail(400, e));
            req.endHandler(v -> {
                if (overflow[0]) {
                    Problem.send(ctx, tooLarge.get());
                } else {
                    endpoint.runAs(ctx, caller, c -> work.run(c, body.getBytes()));
                }
            });
            req.resume();
        });
    }

    private ApiException tooLarge() {
        return new ApiException(413, "Content Too Large", "the dataset is larger than " + (maxBytes >> 20)
                + " MiB (PFGM_MAX_UPLOAD_MB)");
    }

    /** POST /v1/datasets/{id}/labels?format=idx|npy|csv: an image dataset's labels, one per image, checked first. */
    private void mountLabels(Router r) {
        // labels are small: a header and at most a few bytes per image
        long limit = Math.min(maxBytes, 64L << 20);
        r.post("/v1/datasets/:id/labels").handler(ctx -> withBody(ctx, limit,
                () -> new ApiException(413, "Content Too Large", "a labels file may be at most " + (limit >> 20) + " MiB"),
                (caller, body) -> labels(ctx, caller.tenant(), body)));
    }

    private Reply labels(RoutingContext ctx, String tenant, byte[] bytes) throws Exception {
        DatasetRecord d = find(tenant, ctx.pathParam("id"));
        String format = ctx.request().getParam("format");
        if (format == null || !java.util.Set.of("idx", "npy", "csv").contains(format)) {
            throw ApiException.badRequest("/query/format", "required: idx, npy or csv, got "
                    + (format == null ? "nothing" : "'" + format + "'"));
        }
        if (!d.images()) {
            throw ApiException.invalid("/dataset", "dataset " + d.id() + " is a table: a table names its label column"
                    + " on upload (label_column)");
        }
        if (bytes.length == 0) {
            throw ApiException.invalid("/body", "the request body (the labels file) is empty");
        }
        // a label takes a few bytes in any of the formats: a file much larger is not these images' labels
        long most = 16L * d.count() + 4096;
        if (bytes.length > most) {
            throw ApiException.invalid("/body", "a labels file for " + d.count() + " images is at most " + most
                    + " bytes; this one has " + bytes.length);
        }
        int[] labels;
        try {
            labels = Labels.read(bytes, format, "labels", d.count());
        } catch (InvalidInputException e) {
            throw ApiException.invalid("/body", e.getMessage());
        }
        String key = Keys.datasetLabels(d.id(), format);
        Path tmp = Files.createTempFile("pfgm-labels-", "." + format);
        try {
            Files.write(tmp, bytes);
            objects.put(key, tmp, "application/octet-stream");
        } finally {
            Files.deleteIfExists(tmp);
        }
        DatasetRecord labelled = datasets.setLabels(tenant, d.id(), key, format, Labels.counts(labels))
                .orElseThrow(() -> ApiException.notFound("dataset", d.id().toString()));
        return Reply.json(200, Views.dataset(labelled));
    }

    public void mount(Router r) {
        r.get("/v1/datasets").handler(ctx -> endpoint.run(ctx, caller -> {
            ObjectNode body = Json.object();
            ArrayNode data = body.putArray("data");
            datasets.list(caller.tenant(), 1000).forEach(d -> data.add(Views.dataset(d)));
            return Reply.json(200, body);
        }));
        r.get("/v1/datasets/:id").handler(ctx -> endpoint.run(ctx, caller -> Reply.json(200,
                Views.dataset(find(caller.tenant(), ctx.pathParam("id"))))));
        r.delete("/v1/datasets/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            DatasetRecord d = find(caller.tenant(), ctx.pathParam("id"));
            if (datasets.delete(caller.tenant(), d.id())) {
                objects.delete(d.objectKey());
            }
            return Reply.empty(204);
        }));
    }

    private DatasetRecord find(String tenant, String rawId) {
        UUID id = Endpoint.uuid(rawId, "dataset");
        return datasets.get(tenant, id).orElseThrow(() -> ApiException.notFound("dataset", rawId));
    }

    private Reply upload(RoutingContext ctx, String tenant, byte[] bytes) throws Exception {
        String name = ctx.request().getParam("name");
        String format = ctx.request().getParam("format");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiException.badRequest("/query/name", "required: 1 to 200 characters naming the dataset");
        }
        if (format == null || !FORMATS.containsKey(format)) {
            throw ApiException.badRequest("/query/format", "required: npy, csv, idx or png-zip, got "
                    + (format == null ? "nothing" : "'" + format + "'"));
        }
        if (bytes.length == 0) {
            throw ApiException.invalid("/body", "the request body (the " + format + " file) is empty");
        }
        String labelColumn = ctx.request().getParam("label_column");
        if (labelColumn != null && (labelColumn.isBlank() || labelColumn.length() > 200
                || labelColumn.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("/query/label_column", "a column name or 0-based index of 1 to 200 printable"
                    + " characters");
        }
        String sha = DataFiles.sha256(bytes);
        Dataset table = null;
        ImageSet images = null;
        try {
            switch (format) {
                case "csv" -> table = CsvFile.readTable(bytes, name, sha);
                case "npy" -> {
                    // a table is [n, d] (or [n]); more dimensions are images
                    NpyFile.Array a = NpyFile.parse(bytes, name);
                    if (a.shape().length <= 2) {
                        table = NpyFile.table(a, name, sha);
                    } else {
                        images = ImageNpy.images(a, name, sha);
                    }
                }
                case "idx" -> images = IdxFile.readImages(bytes, name, null, null);
                default -> images = PngZip.read(bytes, name);
            }
        } catch (InvalidInputException e) {
            throw ApiException.invalid("/body", e.getMessage());
        }
        int[] classCounts = null;
        if (labelColumn != null) {
            if (table == null) {
                throw ApiException.invalid("/query/label_column", "images take their labels from a file of their own:"
                        + " POST /v1/datasets/{id}/labels after the upload");
            }
            try {
                Labels.Split split = Labels.split(table, labelColumn, name);
                classCounts = Labels.counts(split.labels());
                table = split.features();
                labelColumn = split.column();
            } catch (InvalidInputException e) {
                throw ApiException.invalid("/query/label_column", e.getMessage());
            }
        }
        int count = table != null ? table.count() : images.count();
        int dim = table != null ? table.dim() : images.dim();
        DatasetStore.ImageShape image = images == null ? null
                : new DatasetStore.ImageShape(images.channels(), images.height(), images.width());
        UUID id = UUID.randomUUID();
        String key = Keys.dataset(id, FORMATS.get(format));
        Path tmp = Files.createTempFile("pfgm-upload-", "." + FORMATS.get(format));
        try {
            Files.write(tmp, bytes);
            objects.put(key, tmp, format.equals("csv") ? "text/csv" : format.equals("png-zip") ? "application/zip"
                    : "application/octet-stream");
        } finally {
            Files.deleteIfExists(tmp);
        }
        try {
            DatasetRecord d = datasets.insert(id, tenant, name, format, count, dim, bytes.length, sha, key, image,
                    labelColumn, classCounts);
            return Reply.json(201, Views.dataset(d)).header("Location", "/v1/datasets/" + id);
        } catch (RuntimeException e) {
            objects.delete(key);
            throw e;
        }
    }
}
