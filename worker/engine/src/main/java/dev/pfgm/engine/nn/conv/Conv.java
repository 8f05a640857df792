package dev.pfgm.engine.nn.conv;

import dev.pfgm.engine.nn.DeviceArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A k x k convolution (stride 1, SAME padding, weights [k, k, in, out]) over [n, c, h, w] or
 * channels-last [n, h, w, c] arrays, run by ND4J's conv2d / conv2d_bp ops, which use oneDNN on
 * the CPU build. The layer keeps its input on the
 * device between forward and backward; activations cross to Java as bulk copies.
 */
final class Conv {
    final int in;
    final int out;
    final int k;
    /** Offsets of the weights and the bias in the flat parameter array. */
    final int weightAt;
    final int biasAt;
    private final boolean channelsLast;
    private final int[] args;
    /** The transposed convolution's: explicit padding k/2, as oneDNN runs deconv2d only without SAME mode. */
    private final int[] transposedArgs;
    private final INDArray w;
    private final INDArray b;
    private final INDArray gw;
    private final INDArray gb;
    private int rows = -1;
    private int height;
    private int width;
    private INDArray x;
    private INDArray y;
    private INDArray dy;
    private INDArray dx;

    Conv(int in, int out, int k, Params params, double gain) {
        this(in, out, k, params, gain, false);
    }

    Conv(int in, int out, int k, Params params, double gain, boolean channelsLast) {
        this.in = in;
        this.channelsLast = channelsLast;
        this.out = out;
        this.k = k;
        this.weightAt = params.add(k * k * in, k * k * in * out, gain);
        this.biasAt = params.add(0, out, 0);
        // kH, kW, sH, sW, pH, pW, dH, dW, same padding, NCHW (0) or NHWC (1), weights [kH, kW, iC, oC]
        this.args = new int[] {k, k, 1, 1, 0, 0, 1, 1, 1, channelsLast ? 1 : 0, 0};
        this.transposedArgs = new int[] {k, k, 1, 1, k / 2, k / 2, 1, 1, 0, channelsLast ? 1 : 0, 0};
        this.w = Nd4j.create(DataType.FLOAT, k, k, in, out);
        this.b = Nd4j.create(DataType.FLOAT, out);
        this.gw = w.like();
        this.gb = b.like();
    }

    int parameterCount() {
        return k * k * in * out + out;
    }

    /** Multiply-adds of one forward pass over an image of {@code area} pixels. */
    long multiplyAdds(int area) {
        return (long) area * k * k * in * out;
    }

    void upload(float[] params) {
        DeviceArrays.upload(params, weightAt, w, k * k * in * out);
        DeviceArrays.upload(params, biasAt, b, out);
    }

    private void ensure(int n, int h, int wd) {
        if (n != rows || h != height || wd != width) {
            rows = n;
            height = h;
            width = wd;
            x = channelsLast ? Nd4j.create(DataType.FLOAT, n, h, wd, in) : Nd4j.create(DataType.FLOAT, n, in, h, wd);
            y = channelsLast ? Nd4j.create(DataType.FLOAT, n, h, wd, out) : Nd4j.create(DataType.FLOAT, n, out, h, wd);
            dy = y.like();
            dx = x.like();
        }
    }

    /** y = conv(x) for {@code n} images of h x w. */
    void forward(float[] src, float[] dst, int n, int h, int wd) {
        ensure(n, h, wd);
        DeviceArrays.upload(src, 0, x, n * in * h * wd);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(y).addIntegerArguments(args)
                .build());
        DeviceArrays.download(y, dst, 0, n * out * h * wd);
    }

    /**
     * dL/dx alone for the last forward's shape, into {@code dsrc}: the transposed convolution of
     * dL/dy (ND4J's deconv2d with the same weights), half the arithmetic of {@link #backward},
     * which also forms the weight gradient. What a vector-Jacobian product of the input needs.
     * With SAME mode deconv2d left oneDNN for a generic path 20-40x slower (docs/benchmarks.md).
     */
    void inputGradient(float[] ddst, float[] dsrc) {
        DeviceArrays.upload(ddst, 0, dy, rows * out * height * width);
        // deconv2d's weights [kH, kW, its oC, its iC] are this layer's [kH, kW, in, out] as they are
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dy, w).addOutputs(dx)
                .addIntegerArguments(transposedArgs).build());
        DeviceArrays.download(dx, dsrc, 0, rows * in * height * width);
    }

    /**
     * Gradients for the last forward: writes dL/dx into {@code dsrc} (when not null) and adds the
     * weight and bias gradients into {@code grad}.
     */
    void backward(float[] ddst, float[] dsrc, float[] grad) {
        DeviceArrays.upload(ddst, 0, dy, rows * out * height * width);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, dy).addOutputs(dx, gw, gb)
                .addIntegerArguments(args).build());
        if (dsrc != null) {
            DeviceArrays.download(dx, dsrc, 0, rows * in * height * width);
        }
        Kernels.addDownload(gw, grad, weightAt, k * k * in * out);
        Kernels.addDownload(gb, grad, biasAt, out);
    }
}
