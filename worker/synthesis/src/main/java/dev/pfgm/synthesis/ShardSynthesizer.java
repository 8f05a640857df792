package dev.pfgm.synthesis;

import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ClassPlan;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.synthesis.ShardPlan;
import dev.pfgm.shared.synthesis.SynthesisSpec;

/**
 * Draws one shard of a synthesis. Without a filter, row i of the synthesis is sample i of the run
 * with the job's seed: it depends on (seed, i) only, so shards may be cut anywhere and run anywhere.
 * A class-conditional model gives row i the class {@link ClassPlan} assigns it (exact counts).
 *
 * <p>With a filter, a row whose log density is below the threshold is replaced, in place and with
 * the same class, by a candidate drawn from the shard's own replacement stream (seed derived from
 * the job's seed, the shard's first row and the round), until every row passes. The shard's rows
 * then depend on (seed, first row, shard size): still the same bytes on any worker and any retry.
 */
public final class ShardSynthesizer {
    /** A filter that keeps rejecting after this many rounds is refused (the threshold is out of reach). */
    static final int MAX_ROUNDS = 200;

    private final SynthesisSpec spec;
    private final ShardPlan plan;
    private final Double threshold;
    private final ClassPlan classes;
    private final Sampler sampler;
    private final SolverSpec solver;
    private final Sampler.Density density;

    /** @param threshold the least log density a row may have (null: no filter) */
    public ShardSynthesizer(PfgmModel model, SynthesisSpec spec, Double threshold) {
        if (spec.filterQuantile() != null && threshold == null) {
            throw new IllegalArgumentException("a filter needs its threshold");
        }
        this.spec = spec;
        this.plan = spec.plan();
        this.threshold = threshold;
        int[] trainingCounts = Conditioning.classCounts(model);
        this.classes = trainingCounts == null ? null
                : new ClassPlan(spec.classes().counts(spec.count(), trainingCounts), spec.seed());
        this.sampler = new Sampler(model, trainingCounts == null ? null : new Guidance(Guidance.DRAWN, spec.guidance()));
        this.solver = new SolverSpec(spec.solver(), spec.rtol(), spec.atol(), spec.steps());
        this.density = spec.needsDensity() ? new Sampler.Density(spec.probes()) : null;
    }

    public ShardRows run(int shard, Progress progress) {
        long t0 = System.nanoTime();
        long first = plan.first(shard);
        int rows = plan.rows(shard);
        int[] labels = classes == null ? null : classes.classes(first, rows);
        // with a filter the regular pass is most of the work; replacements report nothing
        Sampler.Result r = sampler.sample(first, rows, spec.seed(), solver, labels, density, progress);
        int dim = r.dim();
        float[] values = r.samples();
        double[] logp = r.logDensity();
        double evaluations = r.meanNfe() * rows;
        long candidates = rows;
        if (threshold != null) {
            int[] pending = rejected(logp, null, rows);
            for (int round = 1; pending.length > 0; round++) {
                if (round > MAX_ROUNDS) {
                    // the user's quantile, out of this model's reach: bad input, not an internal failure
                    throw new dev.pfgm.shared.InvalidInputException("min_log_density_quantile"
                            + " (--min-log-density-quantile): after " + MAX_ROUNDS + " rounds of redrawing, "
                            + pending.length + " of " + rows + " rows of shard " + shard + " are still below the log"
                            + " density threshold " + threshold + "; the model rarely reaches it: give a lower quantile");
                }
                int[] want = null;
                if (labels != null) {
                    want = new int[pending.length];
                    for (int j = 0; j < pending.length; j++) {
                        want[j] = labels[pending[j]];
                    }
                }
                long stream = SeedPlan.hash(SeedPlan.hash(spec.seed(), first), round);
                Sampler.Result c = sampler.sample(0, pending.length, stream, solver, want, density, Progress.NONE);
                evaluations += c.meanNfe() * pending.length;
                candidates += pending.length;
                int[] still = rejected(c.logDensity(), pending, pending.length);
                int k = 0;
                for (int j = 0; j < pending.length; j++) {
                    if (k < still.length && still[k] == pending[j]) {
                        k++;
                        continue;
                    }
                    int row = pending[j];
                    System.arraycopy(c.samples(), j * dim, values, row * dim, dim);
                    logp[row] = c.logDensity()[j];
                }
                pending = still;
            }
        }
        return new ShardRows(shard, first, rows, dim, values, labels, spec.logDensity() ? logp : null,
                evaluations / candidates, candidates, (System.nanoTime() - t0) / 1e9);
    }

    /** The rows (positions {@code at[j]}, or j when at is null) whose log density is below the threshold. */
    private int[] rejected(double[] logp, int[] at, int n) {
        int count = 0;
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            if (!(logp[j] >= threshold)) {
                out[count++] = at == null ? j : at[j];
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }
}
