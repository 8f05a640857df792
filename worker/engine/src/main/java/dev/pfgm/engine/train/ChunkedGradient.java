package dev.pfgm.engine.train;

import dev.pfgm.engine.nn.ReplicaPool;
import dev.pfgm.engine.nn.conv.UNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The U-Net's loss and weight gradient over a training batch, computed in fixed chunks of rows,
 * each on a replica of the network on its own thread. One U-Net evaluation runs its element-wise
 * work on one Java thread and leaves a single-threaded ND4J (the launcher's default) on one core;
 * whole replicas keep every core busy with no hand-off per layer. The chunks and the order they
 * are summed in depend only on the batch size, so the result does not depend on the thread count.
 */
public final class ChunkedGradient implements AutoCloseable {
    /** Rows per chunk: big enough for efficient convolutions, small enough to give two cores work at batch 64. */
    public static final int CHUNK_ROWS = 32;

    private final UNet master;
    private final ReplicaPool<UNet> replicas;
    private final int dim;
    private final int batch;
    /** PFGM++: targets are clean images [rows, N] and z is sigma; else PFGM's field targets [rows, N + 1]. */
    private final boolean denoising;
    private final int targetWidth;
    private final int[] starts;
    private final int[] sizes;
    private final double[][] xs;
    private final double[][] zs;
    private final double[][] targets;
    private final int[][] labels;
    private final double[][] ms;
    private final double[][] dms;
    private final float[][] grads;
    private final double[] losses;

    /** PFGM's loss; see {@link #ChunkedGradient(UNet, int, int, boolean)}. */
    public ChunkedGradient(UNet master, int batch, int threads) {
        this(master, batch, threads, false);
    }

    /**
     * {@code master} is the network whose parameters the optimiser updates; replica 0 is the master
     * itself. {@code denoising} selects PFGM++'s loss against clean images instead of PFGM's.
     */
    public ChunkedGradient(UNet master, int batch, int threads, boolean denoising) {
        this.master = master;
        this.dim = master.dim();
        this.batch = batch;
        this.denoising = denoising;
        this.targetWidth = denoising ? dim : dim + 1;
        int chunks = (batch + CHUNK_ROWS - 1) / CHUNK_ROWS;
        starts = new int[chunks];
        sizes = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            starts[c] = c * CHUNK_ROWS;
            sizes[c] = Math.min(CHUNK_ROWS, batch - starts[c]);
        }
        List<UNet> nets = new ArrayList<>(List.of(master));
        while (nets.size() < Math.min(threads, chunks)) {
            UNet copy = new UNet(master.spec(), master.sigmaData());
            copy.load(master.parameters());
            nets.add(copy);
        }
        replicas = new ReplicaPool<>(nets);
        xs = new double[chunks][];
        zs = new double[chunks][];
        targets = new double[chunks][];
        labels = new int[chunks][];
        ms = new double[chunks][];
        dms = new double[chunks][];
        grads = new float[chunks][];
        for (int c = 0; c < chunks; c++) {
            xs[c] = new double[sizes[c] * dim];
            zs[c] = new double[sizes[c]];
            targets[c] = new double[sizes[c] * targetWidth];
            labels[c] = new int[sizes[c]];
            ms[c] = new double[sizes[c] * dim];
            dms[c] = new double[sizes[c] * dim];
            grads[c] = new float[master.parameters().length];
        }
        losses = new double[chunks];
    }

    public int chunks() {
        return starts.length;
    }

    public int replicas() {
        return replicas.size();
    }

    /** Mean loss over the batch's {@code n} rows; the mean weight gradient goes into {@code grad}. */
    public double lossAndGradient(double[] x, double[] z, double[] target, int n, double gamma, float[] grad) {
        return lossAndGradient(x, z, target, null, n, gamma, grad);
    }

    /** As above, each row conditioned on its label in {@code rowLabels} (-1: none), or on none when null. */
    public double lossAndGradient(double[] x, double[] z, double[] target, int[] rowLabels, int n, double gamma,
                                  float[] grad) {
        if (n != batch) {
            throw new IllegalArgumentException("the chunks were laid out for " + batch + " rows; got " + n);
        }
        int chunks = starts.length;
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(x, starts[c] * dim, xs[c], 0, sizes[c] * dim);
            System.arraycopy(z, starts[c], zs[c], 0, sizes[c]);
            System.arraycopy(target, starts[c] * targetWidth, targets[c], 0, sizes[c] * targetWidth);
            if (rowLabels != null) {
                System.arraycopy(rowLabels, starts[c], labels[c], 0, sizes[c]);
            }
        }
        replicas.run(chunks, (net, c) -> {
            net.condition(rowLabels == null ? null : labels[c]);
            losses[c] = denoising
                    ? net.denoisingLossAndGradient(xs[c], zs[c], targets[c], sizes[c], ms[c], grads[c])
                    : net.lossAndGradient(xs[c], zs[c], targets[c], sizes[c], ms[c], dms[c], gamma, grads[c]);
        });
        // each chunk gave the mean over its rows: weight by its share of the batch, in chunk order
        double loss = 0;
        Arrays.fill(grad, 0f);
        for (int c = 0; c < chunks; c++) {
            float w = (float) sizes[c] / n;
            loss += losses[c] * sizes[c] / n;
            float[] g = grads[c];
            for (int k = 0; k < grad.length; k++) {
                grad[k] += w * g[k];
            }
        }
        return loss;
    }

    /** After the optimiser changed the master's weights: the master's ops and every replica take them. */
    public void commit() {
        master.commit();
        float[] p = master.parameters();
        for (int r = 1; r < replicas.size(); r++) {
            replicas.get(r).load(p);
        }
    }

    @Override
    public void close() {
        replicas.close();
    }
}
