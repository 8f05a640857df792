package dev.pfgm.engine.train;

import dev.pfgm.engine.field.EmpiricalField;
import dev.pfgm.engine.field.NoiseKernel;
import dev.pfgm.engine.field.Perturbation;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.random.SeedPlan;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes PFGM training batches (math.md, section 5, steps 1 to 3) one step ahead, on its own
 * thread, so that the empirical field of the next batch is computed while the network trains on
 * the current one. Batches depend only on the data and this source's random stream, so the
 * sequence is the same whatever the timing.
 *
 * <p>Each step the charges are jittered with Gaussian noise (see {@link Trainer}): the field is then
 * that of the data smoothed at the scale of their spacing, which keeps the network from learning
 * the exact training points where the data cannot tell the density apart from them.
 */
final class BatchSource implements AutoCloseable {
    /**
     * One step's inputs: perturbed points x [B, N], their z [B], and field targets [B, N+1]; for
     * PFGM++ z is sigma and the targets are the clean points [B, N]; with class labels, each row's
     * label or -1 where it was dropped (else null).
     */
    static final class Batch {
        final double[] x;
        final double[] z;
        final double[] target;
        final int[] labels;

        Batch(int batch, int dim, boolean labelled) {
            x = new double[batch * dim];
            z = new double[batch];
            target = new double[batch * (dim + 1)];
            labels = labelled ? new int[batch] : null;
        }
    }

    private final double[] points;
    private final int n;
    private final int dim;
    private final int batch;
    private final int large;
    private final SeedPlan rng;
    private final double jitter;
    /** PFGM's perturbation and field, or null for PFGM++. */
    private final Perturbation kernel;
    private final EmpiricalField field;
    /** PFGM++'s kernel, or null for PFGM. */
    private final NoiseKernel noiseKernel;
    private final int[] order;
    /** The points' class labels for conditional training, or null. */
    private final int[] pointLabels;
    /** Conditional PFGM: each class's point indices (their order is shuffled per step); null otherwise. */
    private final int[][] byClass;
    private final double labelDropout;
    private final double[] charges;
    private final double[] sources;
    private final Batch[] buffers;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pfgm-batches");
        t.setDaemon(true);
        return t;
    });
    private Future<Batch> next;
    private int produced;
    /** Per-step streams (images, resumable): batch s draws from (stepSeed, s) alone; -1 = one stream. */
    private final long stepSeed;
    private int step;

    /** @param jitter standard deviation of the noise added to every charge, in standardised units */
    BatchSource(double[] points, int dim, TrainSettings s, double jitter, SeedPlan rng) {
        this(points, dim, s, jitter, rng, -1, 1, null);
    }

    /**
     * Class-conditional PFGM (tables): each step's large batch is drawn from one class, that of the
     * step (drawn from the classes' shares), or from every point with probability label_dropout,
     * so each target is the field of the charges the row's label stands for; every row of the step
     * carries that label (-1: none).
     */
    BatchSource(double[] points, int dim, TrainSettings s, double jitter, SeedPlan rng, int[] labels) {
        this(points, dim, s, jitter, rng, -1, 1, labels);
    }

    /**
     * A source whose batch for step s depends only on (stepSeed, s), so training resumed at
     * {@code firstStep} sees the batches it would have seen without the interruption. With
     * {@code labels} (PFGM++ only) each row carries its point's label, dropped to -1 with
     * probability label_dropout.
     */
    static BatchSource resumable(double[] points, int dim, TrainSettings s, long stepSeed, int firstStep,
                                 int[] labels) {
        return new BatchSource(points, dim, s, 0, null, stepSeed, firstStep, labels);
    }

    private BatchSource(double[] points, int dim, TrainSettings s, double jitter, SeedPlan rng, long stepSeed,
                        int firstStep, int[] labels) {
        if (labels != null && !s.plusPlus() && stepSeed >= 0) {
            // conditional PFGM draws each step's charges from one class: built for tables only
            throw new IllegalArgumentException("class-conditional images need PFGM++");
        }
        this.pointLabels = labels;
        this.byClass = labels == null || s.plusPlus() ? null : byClass(labels);
        this.labelDropout = s.labelDropout();
        this.stepSeed = stepSeed;
        this.step = firstStep;
        this.points = points;
        this.dim = dim;
        this.n = points.length / dim;
        this.batch = s.batch();
        this.noiseKernel = s.plusPlus() ? NoiseKernel.of(s.augDim()) : null;
        // PFGM++ needs no charges beyond the small batch
        this.large = s.plusPlus() ? Math.min(batch, n) : Math.min(s.largeBatch(), n);
        this.rng = rng;
        this.jitter = jitter;
        this.kernel = s.plusPlus() ? null : new Perturbation(s.sigma(), s.tau(), s.maxExponent(), s.restrict());
        // one thread: the training thread runs beside it, and this machine's two cores share their FP units
        this.field = s.plusPlus() ? null : new EmpiricalField(dim, s.gamma(), false);
        this.order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        this.charges = new double[large * dim];
        this.sources = new double[batch * dim];
        this.buffers = new Batch[] {new Batch(batch, dim, labels != null), new Batch(batch, dim, labels != null)};
        this.next = thread.submit(this::make);
    }

    /** The next batch. It stays valid until the call after next. */
    Batch take() {
        try {
            Batch b = next.get();
            next = thread.submit(this::make);
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("making a training batch failed: " + e.getCause(), e.getCause());
        }
    }

    private static int[][] byClass(int[] labels) {
        int[] counts = new int[java.util.Arrays.stream(labels).max().orElse(0) + 1];
        for (int l : labels) {
            counts[l]++;
        }
        int[][] out = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            out[c] = new int[counts[c]];
        }
        int[] at = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][at[labels[i]]++] = i;
        }
        return out;
    }

    private Batch make() {
        Batch b = buffers[produced++ % 2];
        SeedPlan rng = this.rng;
        if (stepSeed >= 0) {
            rng = SeedPlan.forItem(stepSeed, step++);
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
        int[] pool = order;
        int stepLabel = -1;
        if (byClass != null) {
            // conditional PFGM: this step's class (by the classes' shares), or none
            if (rng.nextDouble() >= labelDropout) {
                int pick = rng.nextInt(n);
                stepLabel = pointLabels[pick];
                pool = byClass[stepLabel];
            }
        }
        int large = Math.min(this.large, pool.length);
        // 1. a large batch of distinct points (partial Fisher-Yates); its first B rows are the small batch
        for (int j = 0; j < large; j++) {
            int k = j + rng.nextInt(pool.length - j);
            int t = pool[j];
            pool[j] = pool[k];
            pool[k] = t;
            System.arraycopy(points, pool[j] * dim, charges, j * dim, dim);
        }
        if (jitter > 0) {
            for (int i = 0; i < large * dim; i++) {
                charges[i] += jitter * rng.nextGaussian();
            }
        }
        for (int i = 0; i < batch; i++) {
            System.arraycopy(charges, (i % large) * dim, sources, i * dim, dim);
        }
        if (noiseKernel != null) {
            // PFGM++ and diffusion: the target is the clean point itself (its regression minimiser is the field's mean)
            noiseKernel.apply(sources, batch, dim, rng, b.x, b.z);
            System.arraycopy(sources, 0, b.target, 0, batch * dim);
            if (pointLabels != null) {
                for (int i = 0; i < batch; i++) {
                    b.labels[i] = rng.nextDouble() < labelDropout ? -1 : pointLabels[order[i % large]];
                }
            }
            return b;
        }
        // 2. perturb the small batch, 3. targets from all charges
        kernel.apply(sources, batch, dim, rng, b.x, b.z);
        field.targets(b.x, b.z, batch, charges, large, b.target);
        if (b.labels != null) {
            java.util.Arrays.fill(b.labels, stepLabel);
        }
        return b;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
