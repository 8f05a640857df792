package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.model.TrainRules;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.synthesis.ModelFacts;

/**
 * What the schema cannot check of a train request: its settings against the data it names, by the
 * rules the worker applies ({@link TrainRules}). Each of these was a job accepted with 202 that
 * then failed on the worker; a refusal names the field, and nothing is queued.
 */
final class TrainChecks {
    private TrainChecks() {
    }

    /**
     * {@code d}: the upload {@code ref} names (null for builtin:NAME); {@code rows}: the data's rows or
     * images; {@code facts}: the network the job would build.
     */
    static void check(String ref, DatasetRecord d, JsonNode params, long rows, ModelFacts facts) {
        boolean images = ref.equals(ImageFiles.DISCS) || (d != null && d.images());
        boolean labelled = d != null && d.images() && d.labels() != null;
        JsonNode augDim = params.get("aug_dim");
        if (labelled && augDim != null && augDim.isNumber() && augDim.asInt() <= 1) {
            throw ApiException.invalid("/params/aug_dim", "dataset " + d.id() + " has labels, so it trains a"
                    + " class-conditional model, which needs PFGM++ (aug_dim > 1; 128 when not given)");
        }
        if (params.path("holdout").asDouble(0) > 0 && images) {
            throw ApiException.invalid("/params/holdout", "is for tables; image models train on every image");
        }
        if (rows < 2) {
            throw ApiException.invalid("/dataset", "dataset " + ref + " holds " + rows + " " + (images ? "image" : "row")
                    + "; training needs at least 2");
        }
        if (!TrainRules.mlpFits(facts.hidden(), facts.depth())) { // the worker checks them for images too
            throw ApiException.invalid(params.has("hidden") ? "/params/hidden" : "/params/depth", "hidden "
                    + facts.hidden() + " and depth " + facts.depth() + " make an MLP of more than "
                    + TrainRules.MAX_MLP_WEIGHTS + " weights; make them smaller");
        }
        boolean plusPlus = augDim == null ? !images || labelled : !augDim.isNumber() || augDim.asDouble() > 1;
        checkZRange(params, images, plusPlus ? TrainRules.TABLE_AUG_DIM : 1);
    }

    /**
     * z_min below z_max, either of them given or left to its default (0 derives it), as the worker
     * resolves them; PFGM on images derives z_max from the data, which only the worker reads.
     */
    static void checkZRange(JsonNode params, boolean images, double augDim) {
        double zMin = params.path("z_min").asDouble(0);
        double zMax = params.path("z_max").asDouble(0);
        double min = zMin > 0 ? zMin : TrainRules.defaultZMin(images, augDim);
        double max = zMax > 0 ? zMax : TrainRules.defaultZMax(images, augDim);
        if (min >= max) {
            String range = (zMin > 0 ? "given " : "the default ") + min + " to " + (zMax > 0 ? "given " : "the default ")
                    + max + " for " + (augDim > 1 ? "PFGM++" : "PFGM") + " on " + (images ? "images" : "tables");
            throw ApiException.invalid(zMin > 0 ? "/params/z_min" : "/params/z_max",
                    "z_min must be below z_max; this is " + range);
        }
    }
}
