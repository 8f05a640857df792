package dev.pfgm.shared.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.job.JobType;

/**
 * What a job will cost before it runs, in GFLOP: network evaluations (rows x function evaluations,
 * or training steps x batch x 3 for forward and backward) times the model's FLOP per evaluation
 * ({@link ModelFacts#flopsPerEvaluation()}), plus training's empirical field. RK45's evaluations
 * grow as tolerance^(-1/5) (a fifth-order method), so rtol 1e-300 prices itself out. An estimate
 * for refusing jobs no tenant should run (the job_gflop quota), right within a small factor.
 */
public final class WorkEstimate {
    /** Training defaults the estimate assumes when a request leaves them out (the engine's; a test compares). */
    public static final int DEFAULT_STEPS = 20_000;
    public static final int TABLE_BATCH = 256;
    public static final int IMAGE_BATCH = 64;
    public static final int TABLE_LARGE_BATCH = 4096;
    public static final int IMAGE_LARGE_BATCH = 1024;
    /** Evaluations RK45 takes at rtol 1e-5 on the models here (93-118 measured). */
    private static final double RK45_NFE = 120;
    /**
     * The eval classifier's training FLOP per image value: forward and backward (x3) through 3x3
     * convolutions of widths 16, 32, 64 on halving grids, about 2 * 9 * (16 + 256) per pixel.
     */
    private static final double CLASSIFIER_FLOP_PER_VALUE = 15_000;

    private WorkEstimate() {
    }

    /** Estimated GFLOP of a job; {@code rows} is the dataset's row count (jobs that read a dataset). */
    public static double gflop(JobType type, JsonNode params, ModelFacts model, long rows) {
        double perEval = model.flopsPerEvaluation();
        double flop = switch (type) {
            case TRAIN -> {
                double steps = params.path("steps").asDouble(DEFAULT_STEPS);
                double batch = params.path("batch").asDouble(model.image() ? IMAGE_BATCH : TABLE_BATCH);
                double large = params.path("large_batch").asDouble(model.image() ? IMAGE_LARGE_BATCH : TABLE_LARGE_BATCH);
                yield steps * batch * (3 * perEval + 4.0 * large * model.dim());
            }
            case GENERATE, SYNTHESIZE -> {
                double count = params.path("count").asDouble(1000);
                double guided = model.classes() > 0 ? 2 : 1;
                double probes = params.path("log_density").asBoolean(false) ? 1 + 2 * params.path("probes").asDouble(1) : 1;
                yield count * nfe(params) * guided * probes * perEval;
            }
            case LIKELIHOOD -> {
                boolean exact = "exact".equals(params.path("estimator").asText(model.image() ? "hutchinson" : "exact"));
                double probes = exact ? model.dim() : params.path("probes").asDouble(1);
                yield rows * nfe(params) * (1 + 2 * probes) * perEval;
            }
            case ENCODE, DECODE -> rows * nfe(params) * perEval;
            // two images encoded, every frame decoded
            case INTERPOLATE -> (2 + params.path("frames").asDouble(10)) * nfe(params) * perEval;
            case CLASSIFIER -> rows * params.path("epochs").asDouble(3) * model.dim() * CLASSIFIER_FLOP_PER_VALUE;
            case EVAL -> {
                double guided = model.classes() > 0 ? 2 : 1;
                double likelihood = params.path("nll_count").asDouble(200) * RK45_NFE * 3;
                yield (params.path("count").asDouble(1000) * nfe(params) * guided + likelihood) * perEval;
            }
        };
        return flop / 1e9;
    }

    /** Function evaluations per row for the request's solver. */
    static double nfe(JsonNode params) {
        String solver = params.path("solver").asText("rk45");
        int steps = params.path("steps").asInt(SynthesisSpec.DEFAULT_STEPS);
        if (!solver.equals("rk45") && SynthesisSpec.SOLVERS.contains(solver)) {
            return SynthesisSpec.fixedStepNfe(solver, steps);
        }
        double tol = Math.min(params.path("rtol").asDouble(1e-5), params.path("atol").asDouble(1e-5));
        return RK45_NFE * Math.max(1, Math.pow(1e-5 / Math.max(tol, Double.MIN_NORMAL), 0.2));
    }
}
