package dev.pfgm.engine.field;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training path of {@link EmpiricalField}, in single precision: the weights of every
 * (query, charge) pair in one matrix W, then all weighted sums at once as the product W [Y | 1]
 * (the last column gives each row's total). Squared distances come from explicit differences up
 * to {@link EmpiricalField#DIRECT_MAX_DIM} dimensions and from a product above,
 * d^2 = |x|^2 + |y|^2 - 2 x.y + z^2 (nd4j-notes.md: float32 this way matched exact differences to
 * about 1e-7 at N = 784).
 *
 * <p>Ratios r = d_min^2 / d^2 are floored where r^((N+1)/2) would fall below 1e-30, so that no
 * float goes subnormal (subnormal arithmetic is ~100x slower on x86): this changes only weights
 * below 1e-30 of the nearest charge's. Not thread-safe: one instance per thread.
 */
final class FieldProducts {
    private final int dim;
    private final boolean parallel;
    private final boolean explicit;
    private final float floor;
    private int rows = -1;
    private int count = -1;
    private INDArray xs;
    private INDArray ys;
    private INDArray dots;
    private INDArray weights;
    private INDArray sums;
    private float[] xHost;
    private float[] yHost;
    private float[][] yCols;
    private float[] dotHost;
    private float[] wHost;
    private float[] sumHost;
    private double[] xNorm;
    private double[] yNorm;

    FieldProducts(int dim, boolean parallel) {
        this.dim = dim;
        this.parallel = parallel;
        this.explicit = dim <= EmpiricalField.DIRECT_MAX_DIM;
        this.floor = (float) Math.pow(1e-30, 2.0 / (dim + 1));
    }

    void chargeMeans(double[] x, double[] z, int rows, double[] charges, int count, double[] mu) {
        shape(rows, count);
        int w = dim + 1;
        for (int j = 0; j < count; j++) {
            double n2 = 0;
            for (int k = 0; k < dim; k++) {
                double c = charges[j * dim + k];
                yHost[j * w + k] = (float) c;
                n2 += c * c;
            }
            yHost[j * w + dim] = 1f;
            yNorm[j] = n2;
        }
        put(yHost, ys);
        if (explicit) {
            for (int j = 0; j < count; j++) {
                for (int k = 0; k < dim; k++) {
                    yCols[k][j] = yHost[j * w + k];
                }
            }
        } else {
            // 0. x.y for every pair (the ones column meets a zero)
            for (int i = 0; i < rows; i++) {
                double n2 = 0;
                for (int k = 0; k < dim; k++) {
                    xHost[i * w + k] = (float) x[i * dim + k];
                    n2 += x[i * dim + k] * x[i * dim + k];
                }
                xNorm[i] = n2;
            }
            put(xHost, xs);
            Nd4j.gemm(xs, ys, dots, false, true, 1.0, 0.0);
            get(dots, dotHost);
        }
        // 1. every row's weights relative to its nearest charge
        IntStream range = IntStream.range(0, rows);
        (parallel && rows > 16 ? range.parallel() : range).forEach(i -> rowWeights(x, z[i], i));
        put(wHost, weights);
        // 2. weighted sums of the charges and of one
        Nd4j.gemm(weights, ys, sums, false, false, 1.0, 0.0);
        get(sums, sumHost);
        for (int i = 0; i < rows; i++) {
            double inv = 1 / (double) sumHost[i * w + dim];
            for (int k = 0; k < dim; k++) {
                mu[i * dim + k] = sumHost[i * w + k] * inv;
            }
        }
    }

    private void rowWeights(double[] x, double z, int i) {
        // work in this thread's scratch rows (offset 0): the JIT vectorises these loops, and not the
        // same loops written against an offset into the shared matrix
        float[][] s = SCRATCH.get();
        if (s[0].length < count) {
            s[0] = new float[count];
            s[1] = new float[count];
        }
        float[] d2 = s[0];
        float[] tmp = s[1];
        float zz = (float) (z * z);
        if (explicit) {
            float[] c0 = yCols[0];
            float x0 = (float) x[i * dim];
            for (int j = 0; j < count; j++) {
                float e = x0 - c0[j];
                d2[j] = zz + e * e;
            }
            for (int k = 1; k < dim; k++) {
                float xk = (float) x[i * dim + k];
                float[] c = yCols[k];
                for (int j = 0; j < count; j++) {
                    float e = xk - c[j];
                    d2[j] += e * e;
                }
            }
        } else {
            int off = i * count;
            double xn = xNorm[i] + zz;
            for (int j = 0; j < count; j++) {
                d2[j] = (float) Math.max(xn + yNorm[j] - 2.0 * dotHost[off + j], 0.0);
            }
        }
        float min = Float.POSITIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            float d = d2[j];
            // compare-and-select: about twice as fast as Math.min, which must order NaN and -0
            min = d < min ? d : min;
        }
        // d^2 >= z^2 always; the product form can undershoot it for coincident points
        min = Math.max(Math.max(min, zz), Float.MIN_NORMAL);
        for (int j = 0; j < count; j++) {
            d2[j] = Math.max(Math.min(min / d2[j], 1f), floor);
        }
        raise(d2, tmp, count, (dim + 1) / 2, (dim + 1) % 2 == 1);
        System.arraycopy(d2, 0, wHost, i * count, count);
    }

    /** w[j] <- w[j]^p * (half ? sqrt(w[j]) : 1) in place, by repeated squaring in {@code base}. */
    private static void raise(float[] w, float[] base, int count, int p, boolean half) {
        if (p == 1 && half) {
            for (int j = 0; j < count; j++) {
                float r = w[j];
                w[j] = r * (float) Math.sqrt(r);
            }
            return;
        }
        System.arraycopy(w, 0, base, 0, count);
        if (half) {
            for (int j = 0; j < count; j++) {
                w[j] = (float) Math.sqrt(w[j]);
            }
        } else {
            java.util.Arrays.fill(w, 0, count, 1f);
        }
        while (p > 0) {
            if ((p & 1) == 1) {
                for (int j = 0; j < count; j++) {
                    w[j] *= base[j];
                }
            }
            p >>= 1;
            if (p > 0) {
                for (int j = 0; j < count; j++) {
                    base[j] *= base[j];
                }
            }
        }
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private void shape(int r, int c) {
        if (r == rows && c == count) {
            return;
        }
        rows = r;
        count = c;
        int w = dim + 1;
        ys = Nd4j.create(DataType.FLOAT, c, w);
        weights = Nd4j.create(DataType.FLOAT, r, c);
        sums = Nd4j.create(DataType.FLOAT, r, w);
        yHost = new float[c * w];
        wHost = new float[r * c];
        sumHost = new float[r * w];
        yNorm = new double[c];
        if (explicit) {
            yCols = new float[dim][c];
        } else {
            xs = Nd4j.create(DataType.FLOAT, r, w);
            dots = Nd4j.create(DataType.FLOAT, r, c);
            xHost = new float[r * w];
            dotHost = new float[r * c];
            xNorm = new double[r];
        }
    }

    private static void put(float[] src, INDArray dst) {
        dst.data().asNioFloat().put(src, 0, src.length);
        Nd4j.getAffinityManager().tagLocation(dst, AffinityManager.Location.HOST);
    }

    private static void get(INDArray src, float[] dst) {
        Nd4j.getAffinityManager().ensureLocation(src, AffinityManager.Location.HOST);
        src.data().asNioFloat().get(dst, 0, dst.length);
    }
}
