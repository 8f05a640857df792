package dev.pfgm.engine.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** math.md section 14, items 1 to 3: the empirical field and its targets. */
class EmpiricalFieldTest {
    private static final double GAMMA = 5;

    private static double[] gaussians(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void singleChargeGivesTheRadialTarget() {
        for (int n : new int[] {1, 2, 5, 16, 30}) {
            // single precision on the training path
            double tol = 1e-6;
            double[] y0 = gaussians(n, 1);
            double[] x = gaussians(n, 2);
            double z = 0.7;
            double[] v = new double[n + 1];
            new EmpiricalField(n, GAMMA).targets(x, new double[] {z}, 1, y0, 1, v);
            double norm = z * z;
            for (int k = 0; k < n; k++) {
                norm += (x[k] - y0[k]) * (x[k] - y0[k]);
            }
            norm = Math.sqrt(norm);
            double scale = -Math.sqrt(n) / (norm + GAMMA);
            for (int k = 0; k < n; k++) {
                assertEquals(scale * (x[k] - y0[k]), v[k], tol, "x component " + k + " at N=" + n);
            }
            assertEquals(scale * z, v[n], tol, "z component at N=" + n);
        }
    }

    @Test
    void logSpaceWeightsEqualDirectInverseDistancePowers() {
        for (int n = 1; n <= 5; n++) {
            int count = 40;
            double[] charges = gaussians(count * n, 10 + n);
            double[] x = gaussians(n, 20 + n);
            double z = 0.3;
            double[] w = new ReferenceWeights(n).weights(x, z, charges, count);
            double[] direct = new double[count];
            double sum = 0;
            for (int j = 0; j < count; j++) {
                double d2 = z * z;
                for (int k = 0; k < n; k++) {
                    d2 += (x[k] - charges[j * n + k]) * (x[k] - charges[j * n + k]);
                }
                direct[j] = Math.pow(Math.sqrt(d2), -(n + 1));
                sum += direct[j];
            }
            for (int j = 0; j < count; j++) {
                assertEquals(direct[j] / sum, w[j], 1e-12, "weight " + j + " at N=" + n);
            }
        }
    }

    @Test
    void targetsIgnoreOrderAndDuplicationOfCharges() {
        int n = 3;
        int count = 25;
        double[] charges = gaussians(count * n, 3);
        double[] reversed = new double[charges.length];
        double[] doubled = new double[2 * charges.length];
        for (int j = 0; j < count; j++) {
            System.arraycopy(charges, j * n, reversed, (count - 1 - j) * n, n);
            System.arraycopy(charges, j * n, doubled, 2 * j * n, n);
            System.arraycopy(charges, j * n, doubled, (2 * j + 1) * n, n);
        }
        double[] x = gaussians(4 * n, 4);
        double[] z = {0.05, 0.5, 2, 20};
        EmpiricalField f = new EmpiricalField(n, GAMMA);
        double[] a = new double[4 * (n + 1)];
        double[] b = new double[4 * (n + 1)];
        double[] c = new double[4 * (n + 1)];
        f.targets(x, z, 4, charges, count, a);
        f.targets(x, z, 4, reversed, count, b);
        f.targets(x, z, 4, doubled, 2 * count, c);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6);
            assertEquals(a[i], c[i], 1e-6);
        }
    }

    @Test
    void zComponentOfTheDisplacementIsZAndRatioFormHolds() {
        // f_x / f_z = (x - mu) / z whatever gamma is (section 14, item 3)
        int n = 2;
        int count = 30;
        double[] charges = gaussians(count * n, 5);
        double[] x = gaussians(3 * n, 6);
        double[] z = {0.01, 0.4, 8};
        double[] mu = new double[3 * n];
        new EmpiricalField(n, GAMMA).chargeMeans(x, z, 3, charges, count, mu);
        for (double gamma : new double[] {0.1, 5, 100}) {
            double[] v = new double[3 * (n + 1)];
            new EmpiricalField(n, gamma).targets(x, z, 3, charges, count, v);
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < n; k++) {
                    double ratio = v[i * (n + 1) + k] / v[i * (n + 1) + n];
                    assertEquals((x[i * n + k] - mu[i * n + k]) / z[i], ratio, 1e-9);
                }
            }
        }
    }

    @Test
    void farAwayTheFieldPointsAwayFromTheChargesMean() {
        int n = 3;
        int count = 50;
        double[] charges = gaussians(count * n, 7);
        double[] mean = new double[n];
        for (int j = 0; j < count; j++) {
            for (int k = 0; k < n; k++) {
                mean[k] += charges[j * n + k] / count;
            }
        }
        double[] x = {0.3, -0.2, 0.5};
        double z = 1e5;
        double[] mu = new double[n];
        new EmpiricalField(n, GAMMA).chargeMeans(x, new double[] {z}, 1, charges, count, mu);
        for (int k = 0; k < n; k++) {
            assertEquals(mean[k], mu[k], 1e-6, "far field is the field of a charge at the mean");
        }
    }

    @Test
    void highDimensionalWeightsStayFiniteAndNormalised() {
        int n = 3072;
        int count = 4096;
        double[] charges = gaussians(count * n, 8);
        double[] x = gaussians(n, 9);
        for (double z : new double[] {1e-3, 1, 40}) {
            double[] w = new ReferenceWeights(n).weights(x, z, charges, count);
            double sum = 0;
            for (double v : w) {
                assertTrue(Double.isFinite(v) && v >= 0);
                sum += v;
            }
            assertEquals(1, sum, 1e-12);
        }
    }

    @Test
    void singlePrecisionPathAgreesWithTheDoubleReference() {
        for (int n : new int[] {1, 2, 3, 6, 16}) {
            int count = 500;
            double[] charges = gaussians(count * n, 30 + n);
            int rows = 5;
            double[] x = gaussians(rows * n, 40 + n);
            double[] z = {1e-4, 0.05, 0.7, 4, 60};
            chargeMeansAgreeWithTheReference(n, x, z, rows, charges, count, 1e-5);
        }
    }

    @Test
    void matrixProductPathAgreesWithExplicitDifferences() {
        int n = 40;
        int count = 300;
        double[] charges = gaussians(count * n, 14);
        int rows = 6;
        double[] x = gaussians(rows * n, 15);
        for (int i = 0; i < n; i++) {
            x[i] = charges[i] + 0.01 * x[i];
        }
        double[] z = {0.01, 0.3, 1, 3, 10, 100};
        chargeMeansAgreeWithTheReference(n, x, z, rows, charges, count, 2e-4);
    }

    /**
     * EmpiricalField's charge means of the rows x at heights z against the weighted means of the
     * charges under ReferenceWeights (double precision, explicit differences), to a relative tolerance.
     */
    private static void chargeMeansAgreeWithTheReference(int n, double[] x, double[] z, int rows, double[] charges,
            int count, double tolerance) {
        double[] mu = new double[rows * n];
        new EmpiricalField(n, GAMMA).chargeMeans(x, z, rows, charges, count, mu);
        ReferenceWeights reference = new ReferenceWeights(n);
        for (int i = 0; i < rows; i++) {
            double[] w = reference.weights(java.util.Arrays.copyOfRange(x, i * n, (i + 1) * n), z[i], charges, count);
            for (int k = 0; k < n; k++) {
                double want = 0;
                for (int j = 0; j < count; j++) {
                    want += w[j] * charges[j * n + k];
                }
                assertEquals(want, mu[i * n + k], tolerance * (1 + Math.abs(want)), "N=" + n + " row " + i
                        + " component " + k);
            }
        }
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        int n = 3;
        double[] x = gaussians(n, 11);
        double[] m = gaussians(n, 12);
        double[] v = gaussians(n + 1, 13);
        double z = 0.8;
        double[] grad = new double[n];
        NormalisedField.lossGradient(x, m, 0, n, z, GAMMA, v, 0, 1.0, grad);
        double h = 1e-6;
        for (int k = 0; k < n; k++) {
            double[] mp = m.clone();
            double[] mm = m.clone();
            mp[k] += h;
            mm[k] -= h;
            double[] scratch = new double[n];
            double lp = NormalisedField.lossGradient(x, mp, 0, n, z, GAMMA, v, 0, 1.0, scratch);
            double lm = NormalisedField.lossGradient(x, mm, 0, n, z, GAMMA, v, 0, 1.0, scratch);
            assertEquals((lp - lm) / (2 * h), grad[k], 1e-8);
        }
    }
}
