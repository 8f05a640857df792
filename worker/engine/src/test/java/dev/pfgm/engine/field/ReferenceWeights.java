package dev.pfgm.engine.field;

/**
 * The empirical field's normalised charge weights in double precision, straight from the definition
 * (math.md, section 3): w_j proportional to d_j^-(N+1), d_j^2 = |x - y_j|^2 + z^2, taken relative to
 * the nearest charge so that nothing overflows. The oracle the single-precision training path
 * ({@link FieldProducts}) is tested against; written apart from it (a power, not its repeated
 * squaring) so that the two do not share a mistake.
 */
final class ReferenceWeights {
    private final int dim;

    ReferenceWeights(int dim) {
        this.dim = dim;
    }

    /** The weights of every charge ({@code charges} [count, N]) for one query point at height z. */
    double[] weights(double[] query, double z, double[] charges, int count) {
        double[] d2 = new double[count];
        double nearest = Double.POSITIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            double s = z * z;
            for (int k = 0; k < dim; k++) {
                double e = query[k] - charges[j * dim + k];
                s += e * e;
            }
            d2[j] = s;
            nearest = Math.min(nearest, s);
        }
        nearest = Math.max(nearest, Double.MIN_NORMAL);
        double[] w = new double[count];
        double total = 0;
        for (int j = 0; j < count; j++) {
            w[j] = Math.pow(nearest / d2[j], (dim + 1) / 2.0);
            total += w[j];
        }
        for (int j = 0; j < count; j++) {
            w[j] /= total;
        }
        return w;
    }
}
