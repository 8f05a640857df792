package dev.pfgm.engine.field;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The empirical field's charge means for many dimensions: distances from one matrix product,
 * d_ij^2 = |x_i|^2 + |y_j|^2 - 2 x_i.y_j + z_i^2, weights (d_min^2 / d_ij^2)^((N+1)/2) in Java,
 * then mu = W Y / rowsum(W) from a second product. Same weights as {@link EmpiricalField}.
 */
final class ProductField {
    private final int dim;
    private final boolean parallel;
    private int rows = -1;
    private int count = -1;
    private INDArray xs;
    private INDArray ys;
    private INDArray dots;
    private INDArray weights;
    private INDArray means;
    private float[] xHost;
    private float[] yHost;
    private float[] dotHost;
    private float[] wHost;
    private float[] meanHost;
    private double[] xNorm;
    private double[] yNorm;
    private double[] rowSum;

    ProductField(int dim, boolean parallel) {
        this.dim = dim;
        this.parallel = parallel;
    }

    void chargeMeans(double[] x, double[] z, int rows, double[] charges, int count, double[] mu) {
        shape(rows, count);
        for (int i = 0; i < rows * dim; i++) {
            xHost[i] = (float) x[i];
        }
        for (int i = 0; i < count * dim; i++) {
            yHost[i] = (float) charges[i];
        }
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += x[i * dim + k] * x[i * dim + k];
            }
            xNorm[i] = s + z[i] * z[i];
        }
        for (int j = 0; j < count; j++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += charges[j * dim + k] * charges[j * dim + k];
            }
            yNorm[j] = s;
        }
        put(xHost, xs);
        put(yHost, ys);
        // 1. x.y for every pair
        Nd4j.gemm(xs, ys, dots, false, true, 1.0, 0.0);
        get(dots, dotHost);
        // 2. weights relative to the nearest charge, row by row
        final int half = (dim + 1) % 2;
        final int power = (dim + 1) / 2;
        IntStream range = IntStream.range(0, rows);
        (parallel ? range.parallel() : range).forEach(i -> {
            double[] d2 = new double[count];
            double[] tmp = new double[count];
            double min = Double.POSITIVE_INFINITY;
            int off = i * count;
            for (int j = 0; j < count; j++) {
                double v = Math.max(xNorm[i] + yNorm[j] - 2.0 * dotHost[off + j], Double.MIN_NORMAL);
                d2[j] = v;
                min = Math.min(min, v);
            }
            // floor the nearest distance at z^2: the products lose precision for coincident points
            min = Math.max(min, Math.max(z[i] * z[i], Double.MIN_NORMAL));
            for (int j = 0; j < count; j++) {
                d2[j] = Math.min(1.0, min / Math.max(d2[j], min));
            }
            EmpiricalField.raise(d2, tmp, count, power, half == 1);
            double sum = 0;
            for (int j = 0; j < count; j++) {
                sum += d2[j];
                wHost[off + j] = (float) d2[j];
            }
            rowSum[i] = sum;
        });
        put(wHost, weights);
        // 3. weighted sums of the charges
        Nd4j.gemm(weights, ys, means, false, false, 1.0, 0.0);
        get(means, meanHost);
        for (int i = 0; i < rows; i++) {
            double inv = 1 / rowSum[i];
            for (int k = 0; k < dim; k++) {
                mu[i * dim + k] = meanHost[i * dim + k] * inv;
            }
        }
    }

    private void shape(int r, int c) {
        if (r == rows && c == count) {
            return;
        }
        rows = r;
        count = c;
        xs = Nd4j.create(DataType.FLOAT, r, dim);
        ys = Nd4j.create(DataType.FLOAT, c, dim);
        dots = Nd4j.create(DataType.FLOAT, r, c);
        weights = Nd4j.create(DataType.FLOAT, r, c);
        means = Nd4j.create(DataType.FLOAT, r, dim);
        xHost = new float[r * dim];
        yHost = new float[c * dim];
        dotHost = new float[r * c];
        wHost = new float[r * c];
        meanHost = new float[r * dim];
        xNorm = new double[r];
        yNorm = new double[c];
        rowSum = new double[r];
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
