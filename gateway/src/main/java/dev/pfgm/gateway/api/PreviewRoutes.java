package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.data.CsvFile;
import dev.pfgm.shared.data.DataLimits;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.Keys;
import dev.pfgm.shared.store.ObjectStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /v1/jobs/{id}/preview: a small JSON summary of a finished job's output for the dashboard, made
 * here so the browser needs no access to object storage: the first points of samples.npy (or .csv), a
 * histogram of nll.npy, or the loss curve of loss.csv; image models add a presigned URL of their
 * sample grid (generate) or last preview grid (train).
 */
public record PreviewRoutes(Endpoint endpoint, JobStore jobs, ObjectStore objects, FileLinks links) {
    static final int MAX_POINTS = 1000;
    static final int MAX_CURVE = 400;
    static final int BINS = 40;
    private static final long MAX_BYTES = 64L << 20;

    public void mount(Router r) {
        r.get("/v1/jobs/:id/preview").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = JobRoutes.find(jobs, caller.tenant(), ctx.pathParam("id"));
            if (j.filesExpiredAt() != null) {
                throw new ApiException(410, "Gone", "job " + j.id() + "'s files were deleted at "
                        + Views.time(j.filesExpiredAt()) + ", past the deployment's retention");
            }
            if (j.status() != JobStatus.SUCCEEDED) {
                JsonNode live = j.progress().path("preview");
                if (j.type() == JobType.TRAIN && live.has("name")) {
                    return Reply.json(200, liveGrid(ctx, j, live)).header("Cache-Control", "no-cache");
                }
                throw new ApiException(409, "Conflict", "job " + j.id() + " is " + j.status().wireName()
                        + "; its preview exists once it has succeeded (or, training images, has drawn a grid)");
            }
            ObjectNode body = switch (j.type()) {
                case GENERATE, DECODE -> artifact(j, "grid.png") != null ? imageGrid(ctx, j, "grid.png")
                        : artifact(j, "samples.csv") != null ? scatterCsv(read(j, "samples.csv"),
                                j.result().path("count").asInt(), j.result().path("dim").asInt())
                        : scatter(read(j, "samples.npy"));
                case INTERPOLATE -> artifact(j, "strip.png") != null ? imageGrid(ctx, j, "strip.png")
                        : scatter(read(j, "strip.npy"));
                case ENCODE -> scatter(read(j, "latents.npy"));
                case LIKELIHOOD -> histogram(read(j, "nll.npy"));
                case TRAIN -> withLatestGrid(ctx, j, lossCurve(read(j, "loss.csv")));
                case SYNTHESIZE -> synthesis(j);
                // their figures are the preview: the classifier's accuracy, the evaluation's table
                case CLASSIFIER, EVAL -> figures(j, j.type().wireName());
            };
            // cached at most half as long as the links it holds live, so that a cached preview's grid still loads
            return Reply.json(200, body).header("Cache-Control", "private, max-age=" + links.seconds() / 2);
        }));
    }

    private static ObjectNode figures(JobRecord j, String kind) {
        ObjectNode o = Json.object().put("kind", kind);
        o.set("result", Views.publicResult(j.result()));
        return o;
    }

    /** A synthesis: its result's figures, and its report when it wrote one. */
    private ObjectNode synthesis(JobRecord j) throws Exception {
        ObjectNode o = figures(j, "synthesis");
        if (artifact(j, "report.json") != null) {
            o.set("report", Json.MAPPER.readTree(read(j, "report.json")));
        }
        return o;
    }

    private static JsonNode artifact(JobRecord j, String name) {
        for (JsonNode a : j.result().path("artifacts")) {
            if (a.path("name").asText().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** An image model's samples (or an interpolation's strip): the picture the worker drew, by a short-lived URL. */
    private ObjectNode imageGrid(RoutingContext ctx, JobRecord j, String name) {
        int count = j.result().has("frames") ? j.result().path("frames").asInt() : j.result().path("count").asInt();
        return Json.object().put("kind", "image_grid").put("count", count).put("shown", Math.min(count, 100))
                .put("grid_url", links.url(ctx, artifact(j, name).path("key").asText()));
    }

    /** An unfinished image train job's latest preview grid (running, or stopped), as its progress names it. */
    private ObjectNode liveGrid(RoutingContext ctx, JobRecord j, JsonNode live) {
        String name = live.path("name").asText();
        String key = Keys.jobOutput(j.id(), live.path("attempt").asInt(), name);
        return Json.object().put("kind", "training").put("grid_step", live.path("step").asInt())
                .put("grid_url", links.url(ctx, key));
    }

    /** An image train job's last preview grid beside its loss curve. */
    private ObjectNode withLatestGrid(RoutingContext ctx, JobRecord j, ObjectNode body) {
        String last = null;
        for (JsonNode a : j.result().path("artifacts")) {
            String name = a.path("name").asText();
            if (name.startsWith("preview-") && (last == null || name.compareTo(last) > 0)) {
                last = name;
            }
        }
        if (last != null) {
            body.put("grid_url", links.url(ctx, artifact(j, last).path("key").asText()))
                    .put("grid_step", Integer.parseInt(last.substring(8, last.length() - 4)));
        }
        return body;
    }

    private byte[] read(JobRecord j, String name) throws Exception {
        for (JsonNode a : j.result().path("artifacts")) {
            if (a.path("name").asText().equals(name)) {
                if (a.path("bytes").asLong() > MAX_BYTES) {
                    throw new ApiException(413, "Content Too Large", name + " is too large to preview; download it");
                }
                Path tmp = Files.createTempFile("pfgm-preview-", ".bin");
                try {
                    objects.get(a.path("key").asText(), tmp);
                    return Files.readAllBytes(tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        throw new ApiException(404, "Not Found", "job " + j.id() + " has no " + name);
    }

    static ObjectNode scatter(byte[] npy) {
        NpyFile.Array a = NpyFile.parse(npy, "samples.npy");
        int rows = (int) a.shape()[0];
        int dim = a.shape().length > 1 ? (int) a.shape()[1] : 1;
        int n = Math.min(rows, MAX_POINTS);
        ObjectNode o = Json.object().put("kind", "scatter").put("count", rows).put("dim", dim);
        ArrayNode points = o.putArray("points");
        for (int i = 0; i < n; i++) {
            ArrayNode p = points.addArray();
            for (int k = 0; k < Math.min(dim, 6); k++) {
                p.add((float) a.values()[i * dim + k]);
            }
        }
        return o;
    }

    /**
     * A table generated as CSV ({@code "format": "csv"}): its first rows, read as an uploaded table is.
     * Only the first {@code dim} columns are the samples' (a class-conditional model's label follows).
     */
    static ObjectNode scatterCsv(byte[] csv, int count, int dim) {
        ObjectNode o = Json.object().put("kind", "scatter").put("count", count).put("dim", dim);
        ArrayNode points = o.putArray("points");
        try {
            CsvFile.read(new ByteArrayInputStream(csv), "samples.csv", DataLimits.DEFAULT, row -> {
                if (points.size() == MAX_POINTS) {
                    throw new Enough();
                }
                ArrayNode p = points.addArray();
                for (int k = 0; k < Math.min(Math.min(dim, row.length), 6); k++) {
                    p.add((float) row[k]);
                }
            });
        } catch (Enough e) {
            // the rest of the file is not read
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return o;
    }

    /** Stops the CSV reader once the preview has its points. */
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super(null, null, false, false);
        }
    }

    static ObjectNode histogram(byte[] npy) {
        double[] v = NpyFile.parse(npy, "nll.npy").values();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            sum += x;
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        long[] counts = new long[BINS];
        for (double x : v) {
            counts[Math.min(BINS - 1, (int) ((x - lo) / (hi - lo) * BINS))]++;
        }
        ObjectNode o = Json.object().put("kind", "histogram").put("count", v.length).put("mean", sum / v.length)
                .put("min", lo).put("max", hi);
        ArrayNode c = o.putArray("counts");
        for (long k : counts) {
            c.add(k);
        }
        return o;
    }

    static ObjectNode lossCurve(byte[] csv) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
        int n = lines.length - 1;
        int stride = Math.max(1, (n + MAX_CURVE - 1) / MAX_CURVE);
        ObjectNode o = Json.object().put("kind", "loss");
        ArrayNode steps = o.putArray("steps");
        ArrayNode loss = o.putArray("loss");
        // each point is the mean of its stride, so the curve is smooth but honest
        for (int start = 1; start <= n; start += stride) {
            double s = 0;
            int k = 0;
            int lastStep = 0;
            for (int i = start; i < Math.min(n + 1, start + stride); i++) {
                String[] f = lines[i].split(",");
                lastStep = Integer.parseInt(f[0].strip());
                s += Double.parseDouble(f[1].strip());
                k++;
            }
            steps.add(lastStep);
            loss.add(s / k);
        }
        return o;
    }
}
