package dev.pfgm.engine.field;

/**
 * PFGM's soft-normalised field (math.md, section 2) for a displacement Ê = (x - mu, z):
 * v = -sqrt(N) Ê / (|Ê| + gamma). It is both the training target (mu = the charges' weighted
 * mean, section 3) and the network's output layer (mu = the predicted mean), and
 * {@link #lossGradient} is the derivative of 1/2 |f - v|^2 through it.
 */
public final class NormalisedField {
    private NormalisedField() {
    }

    /**
     * Writes v for one point into {@code out[off .. off + N]}: N components along x, then z.
     * {@code x} and {@code mu} are read at {@code xOff}.
     */
    public static void evaluate(double[] x, double[] mu, int xOff, int n, double z, double gamma,
                                double[] out, int off) {
        double norm2 = z * z;
        for (int k = 0; k < n; k++) {
            double e = x[xOff + k] - mu[xOff + k];
            norm2 += e * e;
        }
        double scale = -Math.sqrt(n) / (Math.sqrt(norm2) + gamma);
        for (int k = 0; k < n; k++) {
            out[off + k] = scale * (x[xOff + k] - mu[xOff + k]);
        }
        out[off + n] = scale * z;
    }

    /**
     * For f = field of (x - m, z) and target v, returns 1/2 |f - v|^2 and writes d/dm of it into
     * {@code dm[xOff ..]}, scaled by {@code weight}.
     */
    public static double lossGradient(double[] x, double[] m, int xOff, int n, double z, double gamma,
                                      double[] v, int vOff, double weight, double[] dm) {
        double norm2 = z * z;
        for (int k = 0; k < n; k++) {
            double e = x[xOff + k] - m[xOff + k];
            norm2 += e * e;
        }
        double norm = Math.sqrt(norm2);
        double den = norm + gamma;
        double scale = -Math.sqrt(n) / den;
        // residual r = f - v and e.r
        double loss = 0;
        double er = 0;
        for (int k = 0; k <= n; k++) {
            double e = k < n ? x[xOff + k] - m[xOff + k] : z;
            double r = scale * e - v[vOff + k];
            loss += r * r;
            er += e * r;
        }
        // df/de = -sqrt(N) [ I / den - e e^T / (norm den^2) ]; e_x = x - m, so dL/dm = -(df/de_x)^T r
        double c = norm > 0 ? er / (norm * den * den) : 0;
        for (int k = 0; k < n; k++) {
            double e = x[xOff + k] - m[xOff + k];
            double r = scale * e - v[vOff + k];
            double dLde = -Math.sqrt(n) * (r / den - e * c);
            dm[xOff + k] = -weight * dLde;
        }
        return 0.5 * loss;
    }
}
