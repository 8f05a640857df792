package dev.pfgm.shared.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.model.SolverLimits;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bulk synthesis, resolved against the model it draws from: the one place its parameters are
 * read and checked, for the gateway (a refusal is a 422 naming /params/FIELD and queues nothing),
 * the worker and `./pfgm synthesize` (a refusal names --FIELD).
 *
 * <p>{@code probes}: 0 for the exact divergence, else Hutchinson probes per row, used when the
 * log density is written or a filter needs it. {@code filterQuantile}: drop rows whose log density
 * is below this quantile of the training data's (null: no filter).
 */
public record SynthesisSpec(long count, long seed, int shardSize, OutputFormat format, String solver, double rtol,
                            double atol, int steps, ClassMix classes, double guidance, boolean logDensity,
                            int probes, Double filterQuantile, boolean report, String heldOut, String classifier) {
    public static final long MAX_COUNT = 1_000_000_000L;
    /** Shards per job: each is a database row and a Kafka message. */
    public static final int MAX_SHARDS = 100_000;
    /** Values (rows x dimension) per shard: what bounds a worker's memory, whatever the count. */
    public static final long MAX_SHARD_VALUES = 1L << 25;
    /** What a default shard should take a worker (the issue asks 30 to 60 s). */
    public static final double TARGET_SHARD_SECONDS = 45;
    public static final List<String> SOLVERS = List.of("rk45", "heun", "euler", "edm", "euler-maruyama", "edm-churn",
            "euler-maruyama-geometric");
    /** The stochastic samplers: a diffusion model's reverse SDE, with no ODE path to carry a log density. */
    public static final List<String> STOCHASTIC = List.of("euler-maruyama", "edm-churn", "euler-maruyama-geometric");
    public static final Set<String> KEYS = Set.of("count", "seed", "shard_size", "format", "solver", "rtol", "atol",
            "steps", "classes", "guidance", "log_density", "estimator", "probes", "filter", "report", "held_out",
            "classifier");
    /** The report's inputs, which change no row: a resumed synthesis may name others. */
    public static final List<String> REPORT_KEYS = List.of("report", "held_out", "classifier");
    /** Held-out rows the report compares with, at the least (fewer give its figures no meaning). */
    public static final int MIN_HELD_OUT = 20;
    static final int DEFAULT_STEPS = 100;
    private static final double DEFAULT_TOLERANCE = 1e-4;
    /** Dimensions up to which the exact divergence is the default (as for likelihood jobs). */
    private static final int EXACT_MAX_DIM = 16;

    /** Reads and checks {@code params} (a JSON object) for a model with these facts. */
    public static SynthesisSpec parse(JsonNode params, ModelFacts facts) {
        if (params == null || !params.isObject()) {
            throw new SpecException("params", "must be an object");
        }
        for (Iterator<String> it = params.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new SpecException(k, "unknown parameter; known: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        if (!params.has("count")) {
            throw new SpecException("count", "is required");
        }
        long count = integer(params, "count", 0, 1, MAX_COUNT);
        long seed = integer(params, "seed", 0, 0, Long.MAX_VALUE);
        String formatName = text(params, "format", "npy");
        OutputFormat format = OutputFormat.parse(formatName);
        if (format == null || !format.fits(facts.image())) {
            throw new SpecException("format", "'" + formatName + "' is not a format for " + (facts.image() ? "images"
                    : "tables") + "; use " + String.join(", ", OutputFormat.names(facts.image())));
        }
        String solver = text(params, "solver", "rk45");
        if (!SOLVERS.contains(solver)) {
            throw new SpecException("solver", "unknown solver '" + solver + "'; known: " + String.join(", ", SOLVERS));
        }
        double rtol = tolerance(params, "rtol");
        double atol = tolerance(params, "atol");
        int steps = (int) integer(params, "steps", DEFAULT_STEPS, 1, 100_000);

        ClassMix classes = null;
        double guidance = 1;
        if (facts.classes() == 0) {
            for (String k : List.of("classes", "guidance")) {
                if (params.has(k)) {
                    throw new SpecException(k, "the model is not class-conditional (trained without labels)");
                }
            }
        } else {
            classes = params.has("classes") ? ClassMix.parse(params.get("classes"), facts.classes(), count)
                    : ClassMix.DATA;
            if (params.has("guidance")) {
                JsonNode g = params.get("guidance");
                if (!g.isNumber() || !(g.asDouble() >= 0 && g.asDouble() <= 20)) {
                    throw new SpecException("guidance", "must be a number in [0, 20], got " + g);
                }
                guidance = g.asDouble();
            }
        }

        boolean logDensity = bool(params, "log_density", false);
        if (STOCHASTIC.contains(solver)) {
            checkStochastic(solver, facts);
            if (logDensity || params.has("filter")) {
                throw new SpecException("solver", solver + " is a stochastic sampler: a row's log density needs the ODE's"
                        + " path (rk45, heun, euler or edm)");
            }
        }
        Double quantile = null;
        if (params.has("filter")) {
            JsonNode f = params.get("filter");
            if (!f.isObject() || !f.has("min_log_density_quantile") || f.size() != 1) {
                throw new SpecException("filter", "must be {\"min_log_density_quantile\": q} with q in (0, 1)");
            }
            JsonNode q = f.get("min_log_density_quantile");
            if (!q.isNumber() || !(q.asDouble() > 0 && q.asDouble() < 1)) {
                throw new SpecException("filter.min_log_density_quantile", "must be a number in (0, 1), got " + q);
            }
            quantile = q.asDouble();
        }
        String estimator = text(params, "estimator", facts.image() || facts.dim() > EXACT_MAX_DIM ? "hutchinson" : "exact");
        if (!estimator.equals("exact") && !estimator.equals("hutchinson")) {
            throw new SpecException("estimator", "must be exact or hutchinson, got '" + estimator + "'");
        }
        if (estimator.equals("exact") && facts.image()) {
            throw new SpecException("estimator", "image models give Hutchinson estimates only");
        }
        if (estimator.equals("exact") && params.has("probes")) {
            throw new SpecException("probes", "goes with the hutchinson estimator");
        }
        int probes = estimator.equals("exact") ? 0 : (int) integer(params, "probes", 1, 1, 1024);
        boolean report = bool(params, "report", !facts.image());
        // the service names the report's held-out rows and classifier by id (the command line by file)
        String heldOut = reference(params, "held_out", report);
        String classifier = reference(params, "classifier", report);
        if (classifier != null && !facts.image()) {
            throw new SpecException("classifier", "judges images; this is a table model");
        }

        int shardSize = shardSize(params, facts, count, solver, steps);
        return new SynthesisSpec(count, seed, shardSize, format, solver, rtol, atol, steps, classes, guidance,
                logDensity, probes, quantile, report, heldOut, classifier);
    }

    /** A dataset or job the report reads, by id: only with a report. */
    private static String reference(JsonNode params, String key, boolean report) {
        String v = text(params, key, null);
        if (v != null && !report) {
            throw new SpecException(key, "is an input of the report, which this job does not write (\"report\" is"
                    + " false, its default for images): set \"report\": true");
        }
        if (v != null && (v.isBlank() || v.length() > 200)) {
            throw new SpecException(key, "must be an id, got '" + v + "'");
        }
        return v;
    }

    private static int shardSize(JsonNode params, ModelFacts facts, long count, String solver, int steps) {
        long maxRows = Math.max(1, MAX_SHARD_VALUES / facts.dim());
        long fewest = (count + MAX_SHARDS - 1) / MAX_SHARDS;
        if (!params.has("shard_size")) {
            long rows = defaultShardSize(facts, solver, steps);
            return (int) Math.min(count, Math.min(maxRows, Math.max(rows, roundUp(fewest, facts.chunkRows()))));
        }
        long k = integer(params, "shard_size", 0, 1, Integer.MAX_VALUE);
        if (k > maxRows) {
            throw new SpecException("shard_size", k + " rows of " + facts.dim() + " values is more than a shard may hold ("
                    + MAX_SHARD_VALUES + " values, so at most " + maxRows + " rows): it bounds a worker's memory");
        }
        if (k > count) {
            throw new SpecException("shard_size", "must be at most count (" + count + "), got " + k);
        }
        if (k < fewest) {
            throw new SpecException("shard_size", k + " makes " + ((count + k - 1) / k) + " shards; a job has at most "
                    + MAX_SHARDS + ", so use at least " + fewest);
        }
        return (int) k;
    }

    /**
     * About {@value #TARGET_SHARD_SECONDS} s of one worker's sampling (at the development machines'
     * measured rates), in whole chunks. A function of the model and solver only, never of a timing,
     * so the same job spec always cuts the same shards.
     */
    /** A stochastic sampler samples a diffusion model's reverse SDE; other models have none here. */
    public static void checkStochastic(String solver, ModelFacts facts) {
        if (STOCHASTIC.contains(solver) && !facts.diffusion()) {
            throw new SpecException("solver", solver + " samples the reverse SDE of a diffusion model (aug_dim \"inf\");"
                    + " this model is PFGM or PFGM++: use rk45, heun, euler or edm");
        }
    }

    /**
     * Evaluations per row of a fixed-step sampler with K steps: one a step (euler and the
     * Euler-Maruyama samplers) or Heun's two less the last correction; NaN for rk45, whose count adapts.
     */
    public static double fixedStepNfe(String solver, int steps) {
        return switch (solver) {
            case "rk45" -> Double.NaN;
            case "euler", "euler-maruyama", "euler-maruyama-geometric" -> steps;
            default -> 2.0 * steps - 1;
        };
    }

    static long defaultShardSize(ModelFacts facts, String solver, int steps) {
        // rk45 at the default tolerance: about 100 evaluations a row on the tables measured
        double nfe = solver.equals("rk45") ? 100 : fixedStepNfe(solver, steps);
        double rows = TARGET_SHARD_SECONDS / (nfe * facts.secondsPerEvaluation());
        long chunk = facts.chunkRows();
        return Math.max(chunk, ((long) (rows / chunk)) * chunk); // whole chunks
    }

    private static long roundUp(long v, long m) {
        return (v + m - 1) / m * m;
    }

    public ShardPlan plan() {
        return new ShardPlan(count, shardSize);
    }

    /** Whether rows need a log density: to be written, or to be filtered on. */
    public boolean needsDensity() {
        return logDensity || filterQuantile != null;
    }

    /** The resolved parameters, every default filled in (the manifest records them). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("count", count).put("seed", seed).put("shard_size", shardSize).put("format", format.wireName())
                .put("solver", solver);
        if (solver.equals("rk45")) {
            o.put("rtol", rtol).put("atol", atol);
        } else {
            o.put("steps", steps);
        }
        if (classes != null) {
            o.set("classes", classes.toJson());
            o.put("guidance", guidance);
        }
        o.put("log_density", logDensity);
        if (needsDensity()) {
            o.put("estimator", probes == 0 ? "exact" : "hutchinson");
            if (probes > 0) {
                o.put("probes", probes);
            }
        }
        if (filterQuantile != null) {
            o.putObject("filter").put("min_log_density_quantile", filterQuantile);
        }
        o.put("report", report);
        if (heldOut != null) {
            o.put("held_out", heldOut);
        }
        if (classifier != null) {
            o.put("classifier", classifier);
        }
        return o;
    }

    private static long integer(JsonNode p, String key, long fallback, long min, long max) {
        return field(p, key, fallback, v -> v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= min
                && v.asLong() <= max, "must be an integer in [" + min + ", " + max + "]", JsonNode::asLong);
    }

    private static double tolerance(JsonNode p, String key) {
        return field(p, key, DEFAULT_TOLERANCE, v -> v.isNumber() && SolverLimits.tolerance(v.asDouble()),
                "must be a number in [" + SolverLimits.MIN_TOLERANCE + ", 1)", JsonNode::asDouble);
    }

    private static String text(JsonNode p, String key, String fallback) {
        return field(p, key, fallback, JsonNode::isTextual, "must be a string", JsonNode::asText);
    }

    private static boolean bool(JsonNode p, String key, boolean fallback) {
        return field(p, key, fallback, JsonNode::isBoolean, "must be true or false", JsonNode::asBoolean);
    }

    /** {@code key}'s value, {@code fallback} when it is absent; one that does not {@code fit} is refused. */
    private static <T> T field(JsonNode p, String key, T fallback, Predicate<JsonNode> fits, String rule,
            Function<JsonNode, T> value) {
        JsonNode v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (!fits.test(v)) {
            throw new SpecException(key, rule + ", got " + v);
        }
        return value.apply(v);
    }
}
