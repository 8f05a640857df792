package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.field.Conditional;
import dev.pfgm.engine.flow.DivergenceOde;
import dev.pfgm.engine.flow.FlowOde;
import dev.pfgm.engine.flow.ProbeSigns;
import dev.pfgm.engine.ode.OdeSolver;
import dev.pfgm.engine.ode.OdeSystem;
import dev.pfgm.engine.ode.Solution;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.shared.InvalidInputException;
import java.util.function.Supplier;

/**
 * Draws samples: prior points on the plane z = z_max (section 6), carried down to z_min by the
 * backward ODE (section 7), returned in data units.
 *
 * <p>Determinism: sample i starts from {@link SeedPlan#forItem}(seed, i) and is integrated in
 * chunk i / {@value #CHUNK} at row i % {@value #CHUNK}, with its own RK45 step sizes. Matrix
 * products give bitwise-different rows for different batch shapes, so every chunk has the same
 * shape (rows outside the requested range are padding); a row's result does not depend on the
 * values of the other rows of its chunk. So sample i depends on (seed, i) only: not on the count,
 * nor on where a range of rows (a shard of a bulk synthesis) starts or ends.
 */
public final class Sampler {
    public static final int CHUNK = 256;
    /** Images: a U-Net evaluation of 64 images already keeps a core busy, and smaller chunks waste less padding. */
    public static final int IMAGE_CHUNK = 64;

    /** Rows per chunk: {@value #IMAGE_CHUNK} for a U-Net (images of any size), {@value #CHUNK} for the MLP. */
    public static int chunkRows(boolean images) {
        return images ? IMAGE_CHUNK : CHUNK;
    }

    private final FlowModel model;
    private final Guidance guidance;

    public Sampler(FlowModel model) {
        this(model, null);
    }

    /** A sampler of a class-conditional model with {@code guidance} (null: unconditional). */
    public Sampler(FlowModel model, Guidance guidance) {
        if (guidance != null) {
            guidance.check(model.classes());
        }
        this.model = model;
        this.guidance = guidance;
    }

    /**
     * Points [count, dim] as float32, the mean NFE per point, each point's class (null if
     * unconditional) and, when asked for, each point's log density in data units (else null).
     */
    public record Result(float[] samples, int count, int dim, double meanNfe, int[] labels, double[] logDensity) {
        public Result(float[] samples, int count, int dim, double meanNfe) {
            this(samples, count, dim, meanNfe, null, null);
        }
    }

    /**
     * How to estimate each sample's log density while it is drawn: {@code probes} = 0 for the exact
     * divergence, else that many Hutchinson probes per sample (drawn from the sample's own stream).
     */
    public record Density(int probes) {
        public Density {
            if (probes < 0) {
                throw new IllegalArgumentException("probes must be >= 0");
            }
        }
    }

    public Result sample(int count, long seed, SolverSpec spec, Progress progress) {
        return sample(0, count, seed, spec, null, null, progress);
    }

    /**
     * Samples {@code first} .. {@code first + count - 1} of the run with {@code seed}: identical,
     * bit for bit, to the same rows of one run from 0. {@code labels} (class-conditional models
     * only; may be null) gives each row's class, overriding the guidance's own choice;
     * {@code density} (may be null) also integrates each row's log density along its path.
     */
    public Result sample(long first, int count, long seed, SolverSpec spec, int[] labels, Density density,
                         Progress progress) {
        if (labels != null && (guidance == null || labels.length != count)) {
            throw new IllegalArgumentException(guidance == null ? "labels need a class-conditional sampler"
                    : labels.length + " labels for " + count + " rows");
        }
        int dim = model.dim();
        if (spec.stochastic() && !model.diffusion()) {
            throw new InvalidInputException("--solver: " + spec.name() + " samples the reverse SDE of a diffusion model"
                    + " (aug_dim \"inf\"); this model is " + model.family() + ": use rk45, heun, euler or edm");
        }
        if (density != null) {
            spec.requireOde("a log density along the sampling path");
        }
        Prior prior = model.prior();
        int width = density == null ? dim : DivergenceOde.width(dim, density.probes());
        long values = (long) count * width;
        if (values > Integer.MAX_VALUE - 8) {
            // one array holds them all: more overflowed an int into a negative size
            throw new InvalidInputException("--count: " + count + " samples of " + width + " values each are more than"
                    + " one run holds (at most " + (Integer.MAX_VALUE - 8) / Math.max(width, 1) + " here); synthesize"
                    + " draws any number in parts");
        }
        double[] x = new double[count * width];
        // each row's Hutchinson probes continue its stream; they are drawn when its chunk runs
        SeedPlan[] probeStreams = density == null || density.probes() == 0 ? null : new SeedPlan[count];
        double[] priorLogp = density == null ? null : new double[count];
        int[] rowLabels = guidance == null ? null : labels != null ? labels.clone() : new int[count];
        double[] start = new double[dim];
        // a stochastic sampler's noise continues each row's own stream after its prior draw
        SeedPlan[] noise = spec.stochastic() ? new SeedPlan[count] : null;
        for (int i = 0; i < count; i++) {
            SeedPlan stream = SeedPlan.forItem(seed, first + i);
            if (noise != null) {
                noise[i] = stream;
            }
            prior.sample(stream, start, 0);
            System.arraycopy(start, 0, x, i * width, dim);
            if (rowLabels != null && labels == null) {
                rowLabels[i] = guidance.labelFor(first + i, stream, model.classCounts());
            }
            if (density != null) {
                priorLogp[i] = prior.at(start, 0);
                if (probeStreams != null) {
                    probeStreams[i] = stream;
                }
            }
        }
        ChunkField<Conditional> perChunk = rowLabels == null ? null : guidance::on;
        double nfe = transport(model.networks(), model.chunkRows(), x, first, count, model.zMax(), model.zMin(), spec,
                progress, perChunk, rowLabels, density, probeStreams, noise);
        double[] logDensity = null;
        if (density != null) {
            logDensity = new double[count];
            double logDet = model.standardizer().logDetScale();
            double[] plain = new double[count * dim];
            for (int i = 0; i < count; i++) {
                // the accumulators ran from z_max down to z_min: log p(x0) = log p_prior(x_T) - integral
                logDensity[i] = priorLogp[i] - DivergenceOde.integral(x, i * width, dim, width) - logDet;
                System.arraycopy(x, i * width, plain, i * dim, dim);
            }
            x = plain;
        }
        return new Result(model.standardizer().inverseToFloat(x), count, dim, nfe, rowLabels, logDensity);
    }

    /**
     * Carries {@code count} points (model units, [count, N]) along the ODE from z = {@code from}
     * to z = {@code to}, in place, in fixed-shape chunks of {@code size} rows on every core. Returns
     * the mean NFE per point.
     */
    public static double transport(Supplier<? extends ChargeMean> fields, int size, double[] x, int count, double from,
                                   double to, SolverSpec spec, Progress progress) {
        spec.requireOde("encoding and decoding (the invertible map)");
        return transport(fields::get, size, x, 0, count, from, to, spec, progress, null, null, null, null, null);
    }

    /** What a chunk's network becomes given the labels of the chunk's rows (guidance wraps it). */
    interface ChunkField<N extends ChargeMean> {
        ChargeMean of(N network, int[] chunkLabels);
    }

    /**
     * The rows of {@code x} are rows {@code first} .. {@code first + count - 1} of a run; each goes
     * to chunk (row / size) at position (row % size), so its arithmetic is the same whatever range
     * it was asked with. With a {@code density} each row of x is [point, accumulators] and
     * {@code probeStreams} holds each row's stream, from which its Hutchinson probes are drawn; with a stochastic
     * sampler {@code noise} holds each row's stream.
     */
    private static <N extends ChargeMean> double transport(NetworkSource<N> fields, int size, double[] x, long first,
                                                           int count,
                                    double from, double to, SolverSpec spec, Progress progress,
                                    ChunkField<N> perChunk, int[] labels, Density density, SeedPlan[] probeStreams,
                                    SeedPlan[] noise) {
        long firstChunk = first / size;
        int chunks = (int) ((first + count - 1) / size - firstChunk + 1);
        long[] nfe = new long[chunks];
        ChunkRunner.run(chunks, fields, progress, (c, network, p) -> {
            int dim = network.dim();
            long chunkStart = (firstChunk + c) * size;
            long lo = Math.max(first, chunkStart);
            long hi = Math.min(first + count, chunkStart + size);
            int offset = (int) (lo - chunkStart);
            int rows = (int) (hi - lo);
            int at = (int) (lo - first);
            int[] chunkLabels = null;
            if (labels != null) {
                chunkLabels = new int[size];
                java.util.Arrays.fill(chunkLabels, labels[at]);
                System.arraycopy(labels, at, chunkLabels, offset, rows);
            }
            ChargeMean field = perChunk == null ? network : perChunk.of(network, chunkLabels);
            if (noise != null) {
                double[] chunk = new double[size * dim];
                SeedPlan[] chunkNoise = new SeedPlan[size];
                for (int r = 0; r < size; r++) {
                    boolean real = r >= offset && r < offset + rows;
                    // padding rows repeat the first real row's start with noise of their own
                    System.arraycopy(x, (at + (real ? r - offset : 0)) * dim, chunk, r * dim, dim);
                    chunkNoise[r] = real ? noise[at + r - offset] : SeedPlan.of(r);
                }
                int evaluations = StochasticSampler.run(field, chunk, size, from, to, spec.name(), spec.steps(),
                        chunkNoise, p);
                nfe[c] += (long) evaluations * rows;
                System.arraycopy(chunk, offset * dim, x, at * dim, rows * dim);
                return;
            }
            OdeSystem ode;
            int width;
            OdeSolver solver = spec.solverFor(dim);
            ProbeSigns signs = null;
            if (density == null) {
                ode = spec.adaptive() ? FlowOde.inLogZ(field) : FlowOde.inZ(field);
                width = dim;
            } else {
                if (density.probes() > 0) {
                    signs = new ProbeSigns(density.probes(), size, dim);
                    for (int r = 0; r < rows; r++) {
                        signs.draw(offset + r, probeStreams[at + r]);
                    }
                }
                ode = new DivergenceOde(field, signs, spec.adaptive());
                width = ode.dim();
            }
            double[] chunk = new double[size * width];
            System.arraycopy(x, at * width, chunk, offset * width, rows * width);
            // padding rows repeat the first real row: they cost what a real row costs (a row of
            // zeros may take the adaptive solver far more steps) and change no other row's result
            for (int r = 0; r < size; r++) {
                if (r < offset || r >= offset + rows) {
                    System.arraycopy(chunk, offset * width, chunk, r * width, width);
                    if (signs != null) {
                        signs.copyRow(offset, r);
                    }
                }
            }
            Solution sol = solve(solver, ode, chunk, size, from, to, spec, p);
            for (int r = 0; r < rows; r++) {
                nfe[c] += sol.evaluations()[offset + r];
            }
            System.arraycopy(chunk, offset * width, x, at * width, rows * width);
        });
        progress.update(1.0);
        long total = 0;
        for (long v : nfe) {
            total += v;
        }
        return (double) total / count;
    }

    /** One batch of {@code rows} points from z = {@code from} to z = {@code to}: RK45 in ln z, Euler/Heun in z. */
    public static Solution integrate(ChargeMean field, double[] x, int rows, double from, double to, SolverSpec spec,
                                     Progress progress) {
        spec.requireOde("integrating the flow");
        return solve(spec.solver(), spec.adaptive() ? FlowOde.inLogZ(field) : FlowOde.inZ(field), x, rows, from, to,
                spec, progress);
    }

    /** {@code ode} must be written in t = ln z for the adaptive solver and in z for the fixed-step ones. */
    private static Solution solve(OdeSolver solver, OdeSystem ode, double[] y, int rows, double from, double to,
                                  SolverSpec spec, Progress progress) {
        if (spec.adaptive()) {
            return solver.solve(ode, y, rows, Math.log(from), Math.log(to), progress::update);
        }
        return solver.solve(ode, y, rows, from, to, progress::update);
    }
}
