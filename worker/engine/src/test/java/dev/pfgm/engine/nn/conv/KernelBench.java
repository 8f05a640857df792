package dev.pfgm.engine.nn.conv;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The U-Net's and the classifier's hand-written kernels, in nanoseconds per element of the larger
 * tensor, on one batch chunk of the default image net: 32 images of 28x28 with 32 channels (the
 * first level of a width-32 U-Net on Fashion-MNIST). Run by infra/bench/kernels.sh; the figures and
 * what they decided are in docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBench {
    static final int N = 32;
    static final int C = 32;
    static final int SIDE = 28;
    static final int LEN = N * C * SIDE * SIDE;

    private final float[] x = new float[LEN];
    private final float[] dy = new float[LEN];
    private final float[] y = new float[LEN];
    private final float[] dx = new float[LEN];
    private final float[] sig = new float[LEN];
    private final float[] act = new float[LEN];
    private final float[] coarse = new float[LEN / 4];
    private final float[] invStd = new float[N * C / ResBlock.GROUP];
    private final float[] shift = new float[N * C];

    @Setup
    public void fill() {
        Random r = new Random(1);
        for (int i = 0; i < LEN; i++) {
            x[i] = (float) r.nextGaussian();
            dy[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < shift.length; i++) {
            shift[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = (float) r.nextGaussian();
        }
        NhwcKernels.groupNormSwish(x, y, invStd, sig, act, N, C, SIDE * SIDE, ResBlock.GROUP);
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] swish() {
        Kernels.swish(x, act, sig, LEN);
        return act;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] swishBackward() {
        Kernels.swishBackward(dy, x, sig, dx, LEN);
        return dx;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] groupNormSwish() {
        NhwcKernels.groupNormSwish(x, y, invStd, sig, act, N, C, SIDE * SIDE, ResBlock.GROUP);
        return act;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] groupNormBackward() {
        NhwcKernels.groupNormBackward(dy, y, invStd, dx, N, C, SIDE * SIDE, ResBlock.GROUP);
        return dx;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] addShift() {
        NhwcKernels.addShift(dx, shift, N, C, SIDE * SIDE);
        return dx;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] shiftBackward() {
        NhwcKernels.shiftBackward(dy, shift, N, C, SIDE * SIDE);
        return shift;
    }

    /** Per element of the fine [n, h, w, c] side, as for the backward. */
    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] avgPool() {
        NhwcKernels.avgPool(x, coarse, N, C, SIDE, SIDE);
        return coarse;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] avgPoolBackward() {
        NhwcKernels.avgPoolBackward(coarse, dx, N, C, SIDE, SIDE);
        return dx;
    }

    /** The classifier's pooling of channels-first planes. */
    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] planesAvgPool() {
        Kernels.avgPool(x, coarse, N * C, SIDE, SIDE);
        return coarse;
    }

    @Benchmark
    @OperationsPerInvocation(LEN)
    public float[] planesAvgPoolBackward() {
        Kernels.avgPoolBackward(coarse, dx, N * C, SIDE, SIDE);
        return dx;
    }
}
