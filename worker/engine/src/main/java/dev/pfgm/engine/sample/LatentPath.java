package dev.pfgm.engine.sample;

/**
 * A path between two latents on the plane z = z_max. The PFGM prior is radially symmetric with a
 * heavy-tailed norm (math.md section 6), not Gaussian: a straight line between two latents
 * would pass through norms far below both ends (two near-orthogonal latents of norm R meet at
 * R / sqrt 2 halfway), where the prior, and so the decoder, puts images of another kind. So the
 * direction moves along the great circle (slerp) and the norm linearly between the two ends;
 * every point keeps a norm the prior finds typical. The endpoints are the latents themselves.
 */
public final class LatentPath {
    private LatentPath() {
    }

    /** {@code steps} latents [steps, dim] from latent 0 to latent 1 of {@code pair} ([2, dim]). */
    public static double[] between(float[] pair, int dim, int steps) {
        double ra = norm(pair, 0, dim);
        double rb = norm(pair, dim, dim);
        double cos = 0;
        for (int k = 0; k < dim; k++) {
            cos += pair[k] * (double) pair[dim + k];
        }
        cos = Math.max(-1, Math.min(1, cos / (ra * rb)));
        double omega = Math.acos(cos);
        double[] out = new double[steps * dim];
        for (int s = 0; s < steps; s++) {
            double t = (double) s / (steps - 1);
            double wa;
            double wb;
            if (omega < 1e-6) {
                wa = 1 - t;
                wb = t;
            } else {
                wa = Math.sin((1 - t) * omega) / Math.sin(omega);
                wb = Math.sin(t * omega) / Math.sin(omega);
            }
            double r = (1 - t) * ra + t * rb;
            double n2 = 0;
            for (int k = 0; k < dim; k++) {
                double u = wa * pair[k] / ra + wb * pair[dim + k] / rb;
                out[s * dim + k] = u;
                n2 += u * u;
            }
            double scale = r / Math.sqrt(n2);
            for (int k = 0; k < dim; k++) {
                out[s * dim + k] *= scale;
            }
        }
        return out;
    }

    public static double norm(float[] v, int offset, int dim) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            s += v[offset + k] * (double) v[offset + k];
        }
        return Math.sqrt(s);
    }
}
