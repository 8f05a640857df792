package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.ode.OdeSystem;
import dev.pfgm.engine.ode.Solution;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Draws samples: prior points on the plane z = z_max (section 6), carried down to z_min by the
 * backward ODE (section 7), returned in data units.
 *
 * <p>Determinism: sample i starts from {@link SeedPlan#forItem}(seed, i) and is integrated in
 * chunk i / {@value #CHUNK} at row i % {@value #CHUNK}, with its own RK45 step sizes. Matrix
 * products give bitwise-different rows for different batch shapes, so every chunk has the same
 * shape (short chunks are padded); then sample i does not depend on the count.
 */
public final class Sampler {
    public static final int CHUNK = 256;
    /** Images: a U-Net evaluation of 64 images already keeps a core busy, and smaller chunks waste less padding. */
    public static final int IMAGE_CHUNK = 64;

    /** Rows per chunk: {@value #IMAGE_CHUNK} for a U-Net (images of any size), {@value #CHUNK} for the MLP. */
    public static int chunkRows(boolean images) {
        return images ? IMAGE_CHUNK : CHUNK;
    }

    private final PfgmModel model;
    private final Guidance guidance;

    public Sampler(PfgmModel model) {
        this(model, null);
    }

    /** A sampler of a class-conditional model with {@code guidance} (null: unconditional). */
    public Sampler(PfgmModel model, Guidance guidance) {
        if (guidance != null) {
            guidance.check(model.isImage() ? model.image().classes() : 0);
        }
        this.model = model;
        this.guidance = guidance;
    }

    /** Points [count, dim] as float32, the mean NFE per point, and each point's class (null if unconditional). */
    public record Result(float[] samples, int count, int dim, double meanNfe, int[] labels) {
        public Result(float[] samples, int count, int dim, double meanNfe) {
            this(samples, count, dim, meanNfe, null);
        }
    }

    public Result sample(int count, long seed, SolverSpec spec, Progress progress) {
        int dim = model.dim();
        Prior prior = model.prior();
        double[] x = new double[count * dim];
        int[] labels = guidance == null ? null : new int[count];
        for (int i = 0; i < count; i++) {
            SeedPlan stream = SeedPlan.forItem(seed, i);
            prior.sample(stream, x, i * dim);
            if (labels != null) {
                labels[i] = guidance.labelFor(i, stream, model.image().classCounts());
            }
        }
        Supplier<ChargeMean> nets = model::newNetwork;
        int size = model.chunkRows();
        double nfe = transport(nets, size, x, count, model.settings().zMax(), model.settings().zMin(), spec, progress,
                labels == null ? null : (net, first) -> guidance.on((UNet) net,
                        Arrays.copyOfRange(labels, first, first + size)));
        return new Result(model.standardizer().inverseToFloat(x), count, dim, nfe, labels);
    }

    /**
     * Carries {@code count} points (model units, [count, N]) along the ODE from z = {@code from}
     * to z = {@code to}, in place, in fixed-shape chunks of {@code size} rows on every core. Returns
     * the mean NFE per point.
     */
    public static double transport(Supplier<ChargeMean> fields, int size, double[] x, int count, double from,
                                   double to, SolverSpec spec, Progress progress) {
        return transport(fields, size, x, count, from, to, spec, progress, null);
    }

    /** What a chunk's network becomes given its first row (guidance wraps it with the chunk's labels). */
    interface ChunkField {
        ChargeMean of(ChargeMean network, int firstRow);
    }

    private static double transport(Supplier<ChargeMean> fields, int size, double[] x, int count, double from,
                                    double to, SolverSpec spec, Progress progress, ChunkField perChunk) {
        int chunks = (count + size - 1) / size;
        long[] nfe = new long[chunks];
        ChunkRunner.run(chunks, fields, progress, (c, network, p) -> {
            int dim = network.dim();
            int first = c * size;
            ChargeMean field = perChunk == null ? network : perChunk.of(network, first);
            int rows = Math.min(size, count - first);
            double[] chunk = new double[size * dim];
            System.arraycopy(x, first * dim, chunk, 0, rows * dim);
            Solution sol = integrate(field, chunk, size, from, to, spec, p);
            for (int r = 0; r < rows; r++) {
                nfe[c] += sol.evaluations()[r];
            }
            System.arraycopy(chunk, 0, x, first * dim, rows * dim);
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
        if (spec.adaptive()) {
            OdeSystem ode = FlowOde.inLogZ(field);
            return spec.solver().solve(ode, x, rows, Math.log(from), Math.log(to), progress::update);
        }
        return spec.solver().solve(FlowOde.inZ(field), x, rows, from, to, progress::update);
    }
}
