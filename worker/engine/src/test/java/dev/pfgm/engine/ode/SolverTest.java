package dev.pfgm.engine.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** math.md section 14, item 15: solver sanity on dy/dt = lambda y. */
class SolverTest {
    /** dy/dt = lambda_r y, one rate per row. */
    private static OdeSystem linear(double[] lambda, int dim) {
        return new OdeSystem() {
            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void derivative(double[] t, double[] y, double[] dydt, int rows) {
                for (int i = 0; i < rows * dim; i++) {
                    dydt[i] = lambda[i / dim] * y[i];
                }
            }
        };
    }

    @Test
    void rk45MatchesTheExponentialWithinTolerance() {
        double[] lambda = {-1, 0.5, -3, 2};
        double[] y = {1, 2, -1, 0.5};
        double[] y0 = y.clone();
        new DormandPrince(1e-6, 1e-9).solve(linear(lambda, 1), y, 4, 0, 2, StepObserver.NONE);
        for (int r = 0; r < 4; r++) {
            double exact = y0[r] * Math.exp(2 * lambda[r]);
            assertEquals(exact, y[r], 1e-5 * Math.abs(exact) + 1e-8, "row " + r);
        }
    }

    @Test
    void rk45IntegratesBackwardToo() {
        double[] y = {3};
        new DormandPrince(1e-7, 1e-10).solve(linear(new double[] {1}, 1), y, 1, Math.log(40), Math.log(1e-3),
                StepObserver.NONE);
        assertEquals(3 * 1e-3 / 40, y[0], 1e-8);
    }

    @Test
    void looserToleranceCostsFewerEvaluations() {
        long previous = Long.MAX_VALUE;
        for (double tol : new double[] {1e-8, 1e-6, 1e-4, 1e-2}) {
            double[] y = {1};
            Solution s = new DormandPrince(tol, tol).solve(linear(new double[] {-2}, 1), y, 1, 0, 5, StepObserver.NONE);
            long nfe = s.evaluations()[0];
            assertTrue(nfe < previous, "NFE " + nfe + " at tol " + tol + " should drop below " + previous);
            previous = nfe;
        }
    }

    @Test
    void eachRowKeepsItsOwnStepsWhateverTheBatch() {
        double[] lambda = {-1, 4, -0.2};
        double[] batch = {1, 1, 1};
        Solution all = new DormandPrince(1e-4, 1e-4).solve(linear(lambda, 1), batch, 3, 0, 1, StepObserver.NONE);
        for (int r = 0; r < 3; r++) {
            double[] alone = {1};
            Solution one = new DormandPrince(1e-4, 1e-4).solve(linear(new double[] {lambda[r]}, 1), alone, 1, 0, 1,
                    StepObserver.NONE);
            assertEquals(alone[0], batch[r], 0.0, "row " + r + " must not depend on its neighbours");
            assertEquals(one.evaluations()[0], all.evaluations()[r]);
        }
    }

    @Test
    void fixedStepSolversCountEvaluationsAndConverge() {
        for (int k : new int[] {10, 50}) {
            double[] y = {1};
            Solution e = new Euler(k, Grid.UNIFORM).solve(linear(new double[] {-1}, 1), y, 1, 0, 1, StepObserver.NONE);
            assertEquals(k, e.evaluations()[0]);
            assertEquals(Math.pow(1 - 1.0 / k, k), y[0], 1e-12, "Euler is (1 + h lambda)^K");
            double[] y2 = {1};
            Solution h = new Heun(k, Grid.UNIFORM).solve(linear(new double[] {-1}, 1), y2, 1, 0, 1, StepObserver.NONE);
            assertEquals(2L * k - 1, h.evaluations()[0]);
            assertEquals(Math.exp(-1), y2[0], 2.0 / k);
        }
        double errEuler = Math.abs(euler(100) - Math.exp(-1));
        assertTrue(errEuler < Math.abs(euler(10) - Math.exp(-1)) / 5, "first order convergence");
    }

    /**
     * Heun is second order: halving the step quarters the error (an Euler step counted as two
     * evaluations would halve it). Its last step is Euler's, whose local error is also O(h^2).
     */
    @Test
    void heunIsSecondOrder() {
        double previous = Double.NaN;
        for (int k : new int[] {20, 40, 80, 160}) {
            double[] y = {1};
            new Heun(k, Grid.UNIFORM).solve(linear(new double[] {-1}, 1), y, 1, 0, 1, StepObserver.NONE);
            double err = Math.abs(y[0] - Math.exp(-1));
            if (!Double.isNaN(previous)) {
                double ratio = previous / err;
                assertTrue(ratio > 3.6 && ratio < 4.4, "error ratio K/2 -> K: " + ratio + " (second order: 4)");
            }
            previous = err;
        }
    }

    /**
     * RK45's order: on a harmonic oscillator over ten periods, the global error against the work
     * (NFE) falls as NFE^-5 as the tolerance tightens. A lower-order step with the same evaluation
     * count (or an error control that ignores the embedded estimate) gives a slope near -1 to -4.
     */
    @Test
    void rk45IsFifthOrder() {
        OdeSystem oscillator = new OdeSystem() {
            @Override
            public int dim() {
                return 2;
            }

            @Override
            public void derivative(double[] t, double[] y, double[] dydt, int rows) {
                for (int r = 0; r < rows; r++) {
                    dydt[2 * r] = y[2 * r + 1];
                    dydt[2 * r + 1] = -y[2 * r];
                }
            }
        };
        double end = 20 * Math.PI;
        double[] logNfe = new double[4];
        double[] logErr = new double[4];
        double[] tolerances = {1e-5, 1e-6, 1e-7, 1e-8};
        for (int i = 0; i < tolerances.length; i++) {
            double[] y = {1, 0};
            Solution sol = new DormandPrince(tolerances[i], tolerances[i]).solve(oscillator, y, 1, 0, end,
                    StepObserver.NONE);
            logNfe[i] = Math.log((double) sol.evaluations()[0]);
            logErr[i] = Math.log(Math.hypot(y[0] - Math.cos(end), y[1] + Math.sin(end)));
        }
        double slope = (logErr[3] - logErr[0]) / (logNfe[3] - logNfe[0]);
        assertTrue(slope < -4.3 && slope > -6, "log error against log NFE: slope " + slope + " (fifth order: -5)");
    }

    private static double euler(int k) {
        double[] y = {1};
        new Euler(k, Grid.UNIFORM).solve(linear(new double[] {-1}, 1), y, 1, 0, 1, StepObserver.NONE);
        return y[0];
    }

    @Test
    void edmGridIsUniformInTheSeventhRoot() {
        // EDM's sigma_i = (max^(1/7) + i/(K-1) (min^(1/7) - max^(1/7)))^7 (math.md section 11.4),
        // here with K steps between the ends
        double[] p = Grid.EDM.points(80, 0.002, 18);
        assertEquals(80, p[0], 1e-12);
        assertEquals(0.002, p[18], 1e-15);
        double step = (Math.pow(0.002, 1 / 7.0) - Math.pow(80, 1 / 7.0)) / 18;
        for (int k = 0; k < 18; k++) {
            assertEquals(step, Math.pow(p[k + 1], 1 / 7.0) - Math.pow(p[k], 1 / 7.0), 1e-12);
        }
        // steps shrink toward the data, less steeply than on the geometric grid (midpoint 0.4 there)
        for (int k = 1; k < 18; k++) {
            assertTrue(p[k] - p[k + 1] < p[k - 1] - p[k], "step " + k);
        }
        assertEquals(2.515, p[9], 1e-3);
    }

    @Test
    void geometricGridIsUniformInTheLog() {
        double[] p = Grid.GEOMETRIC.points(40, 1e-3, 4);
        assertEquals(40, p[0], 1e-12);
        assertEquals(1e-3, p[4], 0);
        for (int k = 0; k < 4; k++) {
            assertEquals(Math.log(1e-3 / 40) / 4, Math.log(p[k + 1] / p[k]), 1e-12);
        }
    }
}
