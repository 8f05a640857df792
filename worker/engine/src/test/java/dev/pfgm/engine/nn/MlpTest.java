package dev.pfgm.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** The hand-written passes against finite differences of the forward pass. */
class MlpTest {
    private static Mlp network(long seed) {
        Mlp m = new Mlp(3, 16, 16, 2);
        m.initialise(SeedPlan.of(seed));
        // the last layer starts at zero; give it weights so that every gradient is exercised
        float[] p = m.parameters();
        SeedPlan r = SeedPlan.of(seed + 1);
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.3 * r.nextGaussian());
        }
        m.commit();
        return m;
    }

    private static float[] inputs(int rows, int width, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** sum_r c . out[r], the scalar whose gradient backward computes. */
    private static double objective(Mlp m, float[] x, int rows, float[] c) {
        float[] out = m.forward(x, rows);
        double s = 0;
        for (int i = 0; i < out.length; i++) {
            s += (double) c[i] * out[i];
        }
        return s;
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Mlp m = network(1);
        int rows = 5;
        float[] x = inputs(rows, 3, 2);
        float[] c = inputs(rows, 2, 3);
        m.forward(x, rows);
        float[] grad = new float[m.parameterCount()];
        m.backward(rows, c, grad);
        float[] p = m.parameters();
        double h = 1e-2;
        int checked = 0;
        for (int i = 0; i < p.length; i += 7) {
            float keep = p[i];
            p[i] = (float) (keep + h);
            m.commit();
            double up = objective(m, x, rows, c);
            p[i] = (float) (keep - h);
            m.commit();
            double down = objective(m, x, rows, c);
            p[i] = keep;
            m.commit();
            double fd = (up - down) / (2 * h);
            assertEquals(fd, grad[i], 2e-3 * Math.max(1, Math.abs(fd)), "parameter " + i);
            checked++;
        }
        assertEquals(true, checked > 40);
    }

    @Test
    void tangentsMatchFiniteDifferences() {
        Mlp m = network(4);
        int rows = 4;
        float[] x = inputs(rows, 3, 5);
        float[] dirs = inputs(2 * rows, 3, 6);
        m.forward(x, rows);
        float[] jv = m.tangents(rows, dirs, 2).clone();
        double h = 1e-2;
        for (int k = 0; k < 2; k++) {
            float[] xp = x.clone();
            float[] xm = x.clone();
            for (int i = 0; i < rows * 3; i++) {
                xp[i] += (float) (h * dirs[k * rows * 3 + i]);
                xm[i] -= (float) (h * dirs[k * rows * 3 + i]);
            }
            float[] up = m.forward(xp, rows).clone();
            float[] down = m.forward(xm, rows).clone();
            for (int i = 0; i < rows * 2; i++) {
                double fd = (up[i] - down[i]) / (2 * h);
                assertEquals(fd, jv[k * rows * 2 + i], 2e-3 * Math.max(1, Math.abs(fd)), "block " + k + " entry " + i);
            }
        }
    }

    @Test
    void rowsDoNotInfluenceEachOther() {
        Mlp m = network(7);
        float[] x = inputs(8, 3, 8);
        float[] all = m.forward(x, 8).clone();
        float[] changed = x.clone();
        changed[3 * 5] += 1f;
        float[] other = m.forward(changed, 8);
        for (int i = 0; i < 8 * 2; i++) {
            if (i / 2 != 5) {
                assertEquals(all[i], other[i], 0f, "row " + (i / 2));
            }
        }
    }

    @Test
    void activationSlopeIsTheDerivative() {
        for (double a = -6; a <= 6; a += 0.37) {
            double h = 1e-6;
            double fd = (Activation.value(a + h) - Activation.value(a - h)) / (2 * h);
            assertEquals(fd, Activation.slope(a), 1e-8);
        }
    }
}
