package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.ModelStore.ModelRecord;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.util.UUID;

/**
 * What the schema cannot check of likelihood, encode, decode, interpolate, classifier, eval and
 * synthesize requests: the dataset's kind and size against the model, and the classifier job an
 * eval or a synthesis report names. Refusals name
 * the field, and nothing is queued.
 */
public record AnalysisChecks(DatasetStore datasets, JobStore jobs) {

    /** A classifier job: labelled images. */
    void classifier(String datasetRef, DatasetRecord d) {
        if (d == null || !d.images() || d.labels() == null) {
            throw ApiException.invalid("/dataset", "a classifier trains on images with labels (POST /v1/datasets/ID/labels);"
                    + " dataset " + datasetRef + (d == null || !d.images() ? " holds no images" : " has no labels"));
        }
    }

    /** Likelihood, decode, interpolate and eval against the model they name (the dimension is already checked). */
    void withModel(String tenant, JobType type, JsonNode params, ModelRecord m, String datasetRef, DatasetRecord d) {
        boolean imageModel = m.metrics() != null && m.metrics().hasNonNull("shape");
        String dataShape = datasetRef == null ? null : imageShape(datasetRef, d);
        if (imageModel && dataShape != null && !dataShape.equals(m.metrics().get("shape").asText())) {
            // the same number of values in another shape passed the dimension check and was read as the model's
            throw ApiException.invalid("/dataset", "dataset " + datasetRef + " holds " + dataShape + " images; model "
                    + m.id() + "'s are " + m.metrics().get("shape").asText());
        }
        switch (type) {
            case DECODE -> {
                if ((d != null && d.images()) || datasetRef.equals(ImageFiles.DISCS)) {
                    throw ApiException.invalid("/dataset", "latents are a table of " + m.dim() + " columns (an encode"
                            + " job's latents.npy uploaded as it is), not images");
                }
            }
            case INTERPOLATE -> {
                long rows = rows(datasetRef, d);
                for (String f : new String[] {"from", "to"}) {
                    long i = params.path(f).asLong();
                    if (i >= rows) {
                        throw ApiException.invalid("/params/" + f, i + " is not a row of dataset " + datasetRef
                                + ", which holds " + rows + " (0.." + (rows - 1) + ")");
                    }
                }
            }
            case LIKELIHOOD -> {
                boolean images = datasetRef.equals(ImageFiles.DISCS) || (d != null && d.images());
                if (images != imageModel) {
                    throw ApiException.invalid("/dataset", "dataset " + datasetRef + " holds " + (images ? "images" : "a table")
                            + " but model " + m.id() + " is " + (imageModel ? "an image model" : "a table model"));
                }
                if (imageModel && params.path("estimator").asText("").equals("exact")) {
                    throw ApiException.invalid("/params/estimator", "image models give Hutchinson estimates only (the"
                            + " exact divergence takes a network evaluation per pixel)");
                }
            }
            case EVAL -> {
                eval(tenant, params, m, imageModel);
                if (d != null && !d.images()) {
                    throw ApiException.invalid("/dataset", "dataset " + datasetRef + " is a table; eval scores a model's"
                            + " samples against held-out images");
                }
            }
            default -> {
            }
        }
    }

    private void eval(String tenant, JsonNode params, ModelRecord m, boolean imageModel) {
        if (!imageModel) {
            throw ApiException.invalid("/model", "model " + m.id() + " is a vector model; eval scores image models"
                    + " (a likelihood job scores a table model)");
        }
        if (params.has("guidance") && m.metrics().path("classes").asInt(0) == 0) {
            throw ApiException.invalid("/params/guidance", "model " + m.id() + " is not class-conditional");
        }
        if (!params.has("train") && m.dataset() != null) {
            // the default made explicit: the job names the training set it reads, which a delete then
            // keeps while the job is queued (it answered 204, and the eval failed for want of it)
            if (!BuiltinData.isBuiltin(m.dataset()) && uploaded(tenant, m.dataset()) == null) {
                throw ApiException.invalid("/params/train", "model " + m.id() + "'s training dataset " + m.dataset()
                        + " is deleted; name the images to compare with in params.train");
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) params).put("train", m.dataset());
        }
        if (params.has("train")) {
            String ref = params.get("train").asText();
            DatasetRecord d = uploaded(tenant, ref);
            boolean images = ref.equals(ImageFiles.DISCS) || (d != null && d.images());
            if (!images) {
                throw ApiException.invalid("/params/train", "'" + ref + "' is not an image dataset of this tenant");
            }
            String shape = imageShape(ref, d);
            if (!shape.equals(m.metrics().path("shape").asText())) {
                throw ApiException.invalid("/params/train", "dataset " + ref + " holds " + shape + " images; model "
                        + m.id() + "'s are " + m.metrics().path("shape").asText());
            }
        }
        if (params.has("classifier")) {
            classifierJob(tenant, params.get("classifier").asText(), m);
        }
    }

    /**
     * A synthesis report's inputs (the spec has checked their form): held-out rows, an upload of the
     * tenant that fits the model, and a succeeded classifier job for its images.
     */
    void synthesisReport(String tenant, JsonNode params, ModelRecord m) {
        if (params.has("held_out")) {
            String ref = params.get("held_out").asText();
            DatasetRecord d = uploaded(tenant, ref);
            if (d == null) {
                throw ApiException.invalid("/params/held_out", "no dataset with id " + ref + " (held-out rows are an"
                        + " upload: builtin sets are what models train on)");
            }
            boolean imageModel = m.metrics() != null && m.metrics().hasNonNull("shape");
            if (d.images() != imageModel) {
                throw ApiException.invalid("/params/held_out", "dataset " + ref + " holds " + (d.images() ? "images" : "a table")
                        + " but model " + m.id() + " is " + (imageModel ? "an image model" : "a table model"));
            }
            String shape = imageShape(ref, d);
            if (imageModel && !shape.equals(m.metrics().get("shape").asText())) {
                throw ApiException.invalid("/params/held_out", "dataset " + ref + " holds " + shape + " images; model "
                        + m.id() + "'s are " + m.metrics().get("shape").asText());
            }
            if (!imageModel && d.dim() != m.dim()) {
                throw ApiException.invalid("/params/held_out", "dataset " + ref + " has " + d.dim() + " columns but model "
                        + m.id() + " was trained on " + m.dim());
            }
            if (d.count() < SynthesisSpec.MIN_HELD_OUT) {
                throw ApiException.invalid("/params/held_out", "dataset " + ref + " has " + d.count()
                        + (imageModel ? " images" : " rows") + "; the report compares with at least "
                        + SynthesisSpec.MIN_HELD_OUT);
            }
            DatasetRecord trained = m.dataset() == null ? null : uploaded(tenant, m.dataset());
            if (d.id().toString().equalsIgnoreCase(m.dataset()) || (trained != null && d.sha256() != null && d.sha256().equals(trained.sha256()))) {
                throw ApiException.invalid("/params/held_out", "dataset " + ref + " is the data model " + m.id()
                        + " was trained on" + (trained != null && !trained.id().equals(d.id()) ? " (the same file)" : "")
                        + "; held-out rows are rows it never saw");
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) params).put("held_out", d.id().toString()); // canonical
        }
        if (params.has("classifier")) {
            JobRecord c = classifierJob(tenant, params.get("classifier").asText(), m);
            ((com.fasterxml.jackson.databind.node.ObjectNode) params).put("classifier", c.id().toString());
        }
    }

    /** params.classifier: a succeeded classifier job of the tenant, its files kept, for the model's images. */
    private JobRecord classifierJob(String tenant, String raw, ModelRecord m) {
        UUID id = Endpoint.parseUuid(raw);
        JobRecord c = id == null ? null : jobs.get(tenant, id).orElse(null);
        if (c == null || c.type() != JobType.CLASSIFIER) {
            throw ApiException.invalid("/params/classifier", "no classifier job with id " + raw);
        }
        if (c.status() != JobStatus.SUCCEEDED) {
            throw ApiException.invalid("/params/classifier", "classifier job " + raw + " is " + c.status().wireName()
                    + "; a job can name it once it has succeeded");
        }
        if (c.filesExpiredAt() != null) {
            throw ApiException.invalid("/params/classifier", "classifier job " + raw + "'s files expired at "
                    + Views.time(c.filesExpiredAt()) + "; train another");
        }
        String shape = c.result().path("shape").asText();
        if (!shape.equals(m.metrics().path("shape").asText())) {
            throw ApiException.invalid("/params/classifier", "classifier job " + raw + " judges " + shape
                    + " images; model " + m.id() + " makes " + m.metrics().path("shape").asText());
        }
        return c;
    }

    /** "CxHxW" of the images the dataset {@code ref} names (builtin discs, or the upload {@code d}); null for a table. */
    static String imageShape(String ref, DatasetRecord d) {
        if (ref.equals(ImageFiles.DISCS)) {
            return "1x" + ImageFiles.DISCS_SIZE + "x" + ImageFiles.DISCS_SIZE;
        }
        return d == null || d.image() == null ? null
                : d.image().channels() + "x" + d.image().height() + "x" + d.image().width();
    }

    /** Rows (or images) of the dataset {@code ref} names: a builtin set's, or the upload {@code d}'s (0 if unknown). */
    static long rows(String ref, DatasetRecord d) {
        if (ref.equals(ImageFiles.DISCS)) {
            return ImageFiles.DISCS_COUNT;
        }
        if (BuiltinData.isBuiltin(ref)) {
            return BuiltinData.COUNT;
        }
        return d == null ? 0 : d.count();
    }

    private DatasetRecord uploaded(String tenant, String ref) {
        UUID id = Endpoint.parseUuid(ref);
        return id == null ? null : datasets.get(tenant, id).orElse(null);
    }
}
