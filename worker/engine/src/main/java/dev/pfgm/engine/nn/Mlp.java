package dev.pfgm.engine.nn;

import dev.pfgm.engine.random.SeedPlan;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A multilayer perceptron with {@link Activation} between layers, written by hand: forward,
 * backward (gradients of the parameters) and forward-mode tangents (Jacobian-vector products).
 *
 * <p>Why by hand: at these sizes SameDiff's per-op bookkeeping costs more than the maths
 * (nd4j-notes.md). Every layer is one ND4J matrix product with the bias folded in as the last
 * row of the weight matrix (inputs carry a column of ones); element-wise work runs in Java on
 * buffers allocated once per batch size. Parameters live in one flat Java array (the master
 * copy the optimiser updates) and are uploaded after each update by {@link #commit()}.
 */
public final class Mlp {
    private final int[] widths;
    private final int layers;
    private final int[] offsets;
    private final float[] params;
    private final INDArray[] weights;
    private final INDArray[] weightsNoBias;
    private final Map<Integer, Workspace> workspaces = new HashMap<>();
    private final Map<Integer, TangentWorkspace> tangentSpaces = new HashMap<>();
    private Workspace last;

    /** {@code widths[0]} inputs, {@code widths[L]} outputs, hidden widths between. */
    public Mlp(int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output width");
        }
        this.widths = widths.clone();
        this.layers = widths.length - 1;
        this.offsets = new int[layers + 1];
        for (int l = 0; l < layers; l++) {
            offsets[l + 1] = offsets[l] + (widths[l] + 1) * widths[l + 1];
        }
        this.params = new float[offsets[layers]];
        this.weights = new INDArray[layers];
        this.weightsNoBias = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            weights[l] = DeviceArrays.matrix(widths[l] + 1, widths[l + 1]);
            weightsNoBias[l] = weights[l].get(NDArrayIndex.interval(0, widths[l]), NDArrayIndex.all());
        }
    }

    public int[] widths() {
        return widths.clone();
    }

    public int inputWidth() {
        return widths[0];
    }

    public int outputWidth() {
        return widths[layers];
    }

    public int parameterCount() {
        return params.length;
    }

    /** The live parameter array; call {@link #commit()} after changing it. */
    public float[] parameters() {
        return params;
    }

    /** Scaled-normal weights (variance 1/fan-in), zero biases, and a zero last layer so that the
     * network starts at its preconditioning's default. */
    public void initialise(SeedPlan rng) {
        java.util.Arrays.fill(params, 0f);
        for (int l = 0; l < layers - 1; l++) {
            double sd = 1.0 / Math.sqrt(widths[l]);
            int n = widths[l] * widths[l + 1];
            for (int i = 0; i < n; i++) {
                params[offsets[l] + i] = (float) (sd * rng.nextGaussian());
            }
        }
        commit();
    }

    public void load(float[] values) {
        if (values.length != params.length) {
            throw new IllegalArgumentException("expected " + params.length + " parameters, got " + values.length);
        }
        System.arraycopy(values, 0, params, 0, params.length);
        commit();
    }

    /** Uploads the master parameters to the arrays the matrix products read. */
    public void commit() {
        for (int l = 0; l < layers; l++) {
            DeviceArrays.upload(params, offsets[l], weights[l], offsets[l + 1] - offsets[l]);
        }
    }

    /**
     * Evaluates the network on {@code rows} inputs (row-major [rows, in], no bias column) and
     * returns the outputs [rows, out]. The returned array and the activations kept for
     * {@link #backward} and {@link #tangents} belong to this batch size's workspace and are
     * overwritten by the next call with the same row count.
     */
    public float[] forward(float[] input, int rows) {
        Workspace ws = workspaces.computeIfAbsent(rows, Workspace::new);
        last = ws;
        int in = widths[0];
        float[] a0 = ws.actHost[0];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(input, r * in, a0, r * (in + 1), in);
        }
        DeviceArrays.upload(a0, 0, ws.act[0], a0.length);
        for (int l = 0; l < layers; l++) {
            Nd4j.gemm(ws.act[l], weights[l], ws.pre[l], false, false, 1.0, 0.0);
            DeviceArrays.download(ws.pre[l], ws.preHost[l], 0, ws.preHost[l].length);
            if (l < layers - 1) {
                // 1. activation into the next layer's input (bias column stays at 1)
                Activation.forward(ws.preHost[l], rows, widths[l + 1], ws.actHost[l + 1], widths[l + 1] + 1, ws.slope[l]);
                DeviceArrays.upload(ws.actHost[l + 1], 0, ws.act[l + 1], ws.actHost[l + 1].length);
            }
        }
        return ws.preHost[layers - 1];
    }

    /**
     * Gradients of sum_r dOut[r] . out[r] with respect to every parameter, written into
     * {@code grad} (same layout as {@link #parameters()}), for the last {@link #forward} of
     * {@code rows} rows. {@code dOut} is [rows, out].
     */
    public void backward(int rows, float[] dOut, float[] grad) {
        Workspace ws = workspaces.get(rows);
        if (ws == null) {
            throw new IllegalStateException("backward before forward for " + rows + " rows");
        }
        float[] g = ws.gradHost[layers - 1];
        System.arraycopy(dOut, 0, g, 0, g.length);
        for (int l = layers - 1; l >= 0; l--) {
            DeviceArrays.upload(ws.gradHost[l], 0, ws.grad[l], ws.gradHost[l].length);
            // 1. dW = A^T G (the bias row comes from the ones column)
            Nd4j.gemm(ws.act[l], ws.grad[l], ws.dWeights[l], true, false, 1.0, 0.0);
            DeviceArrays.download(ws.dWeights[l], grad, offsets[l], offsets[l + 1] - offsets[l]);
            if (l > 0) {
                // 2. dA = G W^T, then through the activation's slope
                Nd4j.gemm(ws.grad[l], weightsNoBias[l], ws.dAct[l], false, true, 1.0, 0.0);
                float[] dA = ws.dActHost[l];
                DeviceArrays.download(ws.dAct[l], dA, 0, dA.length);
                float[] gPrev = ws.gradHost[l - 1];
                Activation.backward(dA, ws.preHost[l - 1], ws.slope[l - 1], gPrev, 0, gPrev.length);
            }
        }
    }

    /**
     * Forward-mode derivatives: for the last {@link #forward} of {@code rows} rows, pushes
     * {@code count} tangent blocks through the network. {@code inTangents} is [count * rows, in],
     * block-major (block k holds one tangent for every row); the result is [count * rows, out],
     * laid out the same way: the Jacobian of each row applied to its tangents.
     */
    public float[] tangents(int rows, float[] inTangents, int count) {
        Workspace ws = workspaces.get(rows);
        if (ws == null || ws != last) {
            throw new IllegalStateException("tangents must follow forward for " + rows + " rows");
        }
        TangentWorkspace ts = tangentSpaces.computeIfAbsent(rows * count, n -> new TangentWorkspace(n));
        System.arraycopy(inTangents, 0, ts.inHost[0], 0, rows * count * widths[0]);
        for (int l = 0; l < layers; l++) {
            DeviceArrays.upload(ts.inHost[l], 0, ts.in[l], ts.inHost[l].length);
            Nd4j.gemm(ts.in[l], weightsNoBias[l], ts.out[l], false, false, 1.0, 0.0);
            float[] o = ts.outHost[l];
            DeviceArrays.download(ts.out[l], o, 0, o.length);
            if (l < layers - 1) {
                int block = rows * widths[l + 1];
                for (int k = 0; k < count; k++) {
                    Activation.backward(o, ws.preHost[l], ws.slope[l], ts.inHost[l + 1], k * block, block);
                }
            }
        }
        return ts.outHost[layers - 1];
    }

    /** Buffers for one batch size: device arrays for the products, Java arrays for the rest. */
    private final class Workspace {
        final INDArray[] act = new INDArray[layers];
        final float[][] actHost = new float[layers][];
        final INDArray[] pre = new INDArray[layers];
        final float[][] preHost = new float[layers][];
        /** q = 1 / sqrt(1 + a^2) of each hidden layer, for the activation's slope. */
        final float[][] slope = new float[layers][];
        final INDArray[] grad = new INDArray[layers];
        final float[][] gradHost = new float[layers][];
        final INDArray[] dAct = new INDArray[layers];
        final float[][] dActHost = new float[layers][];
        final INDArray[] dWeights = new INDArray[layers];

        Workspace(int rows) {
            for (int l = 0; l < layers; l++) {
                int in = widths[l];
                int out = widths[l + 1];
                act[l] = DeviceArrays.matrix(rows, in + 1);
                actHost[l] = new float[rows * (in + 1)];
                for (int r = 0; r < rows; r++) {
                    actHost[l][r * (in + 1) + in] = 1f;
                }
                pre[l] = DeviceArrays.matrix(rows, out);
                preHost[l] = new float[rows * out];
                slope[l] = new float[rows * out];
                grad[l] = DeviceArrays.matrix(rows, out);
                gradHost[l] = new float[rows * out];
                dAct[l] = DeviceArrays.matrix(rows, in);
                dActHost[l] = new float[rows * in];
                dWeights[l] = DeviceArrays.matrix(in + 1, out);
            }
        }
    }

    private final class TangentWorkspace {
        final INDArray[] in = new INDArray[layers];
        final float[][] inHost = new float[layers][];
        final INDArray[] out = new INDArray[layers];
        final float[][] outHost = new float[layers][];

        TangentWorkspace(int rows) {
            for (int l = 0; l < layers; l++) {
                in[l] = DeviceArrays.matrix(rows, widths[l]);
                inHost[l] = new float[rows * widths[l]];
                out[l] = DeviceArrays.matrix(rows, widths[l + 1]);
                outHost[l] = new float[rows * widths[l + 1]];
            }
        }
    }
}
