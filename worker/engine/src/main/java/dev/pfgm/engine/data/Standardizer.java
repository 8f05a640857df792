package dev.pfgm.engine.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;

/**
 * Per-column affine map to zero mean and unit variance; the model works in these units.
 * {@code maxNorm} is the largest norm of a standardised training point (used by the network's
 * preconditioning). The log-determinant converts densities back to data units:
 * log p_data(x) = log p_model(standardise(x)) - sum_d log std_d. {@code columns} keeps the data's
 * column names (null when it had none), so samples can be written under them.
 */
public record Standardizer(double[] mean, double[] std, double maxNorm, java.util.List<String> columns) {

    public Standardizer(double[] mean, double[] std, double maxNorm) {
        this(mean, std, maxNorm, null);
    }

    public static Standardizer fit(Dataset d) {
        int n = d.count();
        int dim = d.dim();
        double[] mean = new double[dim];
        double[] std = new double[dim];
        double[] v = d.values();
        double[] min = new double[dim];
        double[] max = new double[dim];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                double x = v[i * dim + j];
                mean[j] += x;
                min[j] = Math.min(min[j], x);
                max[j] = Math.max(max[j], x);
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                double e = v[i * dim + j] - mean[j];
                std[j] += e * e;
            }
        }
        for (int j = 0; j < dim; j++) {
            std[j] = Math.sqrt(std[j] / n);
            double scale = Math.max(Math.abs(mean[j]), 1.0);
            if (min[j] == max[j]) {
                throw new InvalidInputException(d.source() + ": column " + j + " is constant (every value "
                        + min[j] + "); a density model needs each column to vary");
            }
            if (!(std[j] > 1e-12 * scale)) { // the mean was quoted as "every value" of a column that varies
                throw new InvalidInputException(d.source() + ": column " + j + " varies too little to learn (values "
                        + min[j] + " to " + max[j] + ", standard deviation " + (float) std[j] + ", under 1e-12 of"
                        + " max(|mean|, 1)); scale it up");
            }
        }
        double maxNorm = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                double e = (v[i * dim + j] - mean[j]) / std[j];
                s += e * e;
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(s));
        }
        return new Standardizer(mean, std, maxNorm, d.columns());
    }

    public int dim() {
        return mean.length;
    }

    /** Data units to model units, in place (row-major, any number of rows). */
    public void forward(double[] x) {
        int dim = dim();
        for (int i = 0; i < x.length; i++) {
            int j = i % dim;
            x[i] = (x[i] - mean[j]) / std[j];
        }
    }

    /** Model units to data units, as float32. */
    public float[] inverseToFloat(double[] x) {
        int dim = dim();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int j = i % dim;
            if (!Double.isFinite(x[i])) {
                // a fixed-step solver carries a NaN through; written, it was a sample like any other
                throw new InvalidInputException("the model's flow gave a non-finite value in column " + j + ": the"
                        + " model is damaged or its settings are out of range; retrain it");
            }
            out[i] = (float) (x[i] * std[j] + mean[j]);
            if (Float.isInfinite(out[i])) {
                // data near float32's limit: written, these were Infinity, which no reader takes back
                throw new InvalidInputException(String.format(java.util.Locale.ROOT, "the model's samples overflow"
                        + " float32 in column %d (mean %.3g, spread %.3g): train it on data scaled down", j, mean[j],
                        std[j]));
            }
        }
        return out;
    }

    /** sum_d log std_d: add it to a model-unit NLL to get the NLL in data units. */
    public double logDetScale() {
        double s = 0;
        for (double v : std) {
            s += Math.log(v);
        }
        return s;
    }

    public double[] standardized(Dataset d) {
        double[] x = d.values().clone();
        forward(x);
        return x;
    }
}
