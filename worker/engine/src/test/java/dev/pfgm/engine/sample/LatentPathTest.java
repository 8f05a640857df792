package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatentPathTest {
    /** Ends at the two latents; norms move linearly; the direction stays on the great circle between them. */
    @Test
    void slerpDirectionLinearNorm() {
        float[] pair = {3, 0, 0, 0, 0, 10};
        int dim = 3;
        double[] path = LatentPath.between(pair, dim, 5);
        for (int k = 0; k < dim; k++) {
            assertEquals(pair[k], path[k], 1e-9);
            assertEquals(pair[dim + k], path[4 * dim + k], 1e-9);
        }
        for (int s = 0; s < 5; s++) {
            double t = s / 4.0;
            double x = path[s * dim];
            double y = path[s * dim + 1];
            double z = path[s * dim + 2];
            assertEquals(3 + 7 * t, Math.sqrt(x * x + y * y + z * z), 1e-9, "norm at step " + s);
            assertEquals(0, y, 1e-12);
            // the angle from the first latent grows evenly: 90 degrees over four steps
            assertEquals(t * Math.PI / 2, Math.atan2(z, x), 1e-9);
        }
    }
}
