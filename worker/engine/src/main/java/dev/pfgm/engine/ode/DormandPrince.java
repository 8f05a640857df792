package dev.pfgm.engine.ode;

import java.util.Arrays;

/**
 * Adaptive Dormand-Prince 5(4) (RK45) with first-same-as-last, one step size per row.
 *
 * <p>Each row is its own initial-value problem with its own step size, error norm and NFE, so a
 * row's trajectory does not depend on which other rows share the batch (sample i is the same
 * whatever the count). Step control follows Hairer, Norsett and Wanner (and SciPy's RK45):
 * scale s_k = atol + rtol * max(|y_k|, |y_new_k|), error = rms(e_k / s_k), accept when <= 1,
 * next h = h * min(10, max(0.2, 0.9 * err^(-1/5))), no growth right after a rejection, and the
 * standard starting-step heuristic (one extra evaluation).
 */
public final class DormandPrince implements OdeSolver {
    // Butcher tableau (Dormand and Prince 1980)
    private static final double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private static final double A21 = 1.0 / 5;
    private static final double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private static final double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private static final double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private static final double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176,
            A65 = -5103.0 / 18656;
    private static final double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784,
            B6 = 11.0 / 84;
    // error weights: 5th-order minus embedded 4th-order solution
    private static final double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200,
            E6 = 22.0 / 525, E7 = -1.0 / 40;

    private final double rtol;
    private final double atol;
    private final long maxEvaluations;
    private final int controlled;

    public DormandPrince(double rtol, double atol) {
        this(rtol, atol, 100_000);
    }

    public DormandPrince(double rtol, double atol, long maxEvaluationsPerRow) {
        this(rtol, atol, maxEvaluationsPerRow, 0);
    }

    /**
     * @param controlled how many leading values of each row the step control looks at (0: all).
     *        Values after them ride along (a log-density integral carried beside the point): the
     *        point then takes exactly the steps it takes without them.
     */
    public DormandPrince(double rtol, double atol, long maxEvaluationsPerRow, int controlled) {
        if (controlled < 0) {
            throw new IllegalArgumentException("controlled must be >= 0");
        }
        this.controlled = controlled;
        if (!(rtol > 0) || !(atol > 0)) {
            throw new IllegalArgumentException("rtol and atol must be positive");
        }
        this.rtol = rtol;
        this.atol = atol;
        this.maxEvaluations = maxEvaluationsPerRow;
    }

    @Override
    public String name() {
        return "rk45";
    }

    public double rtol() {
        return rtol;
    }

    public double atol() {
        return atol;
    }

    @Override
    public Solution solve(OdeSystem system, double[] y, int rows, double from, double to, StepObserver observer) {
        final int d = system.dim();
        final int n = rows * d;
        final int c = controlled == 0 ? d : Math.min(controlled, d);
        final double span = Math.abs(to - from);
        final double dir = Math.signum(to - from);
        long[] nfe = new long[rows];
        if (span == 0) {
            return new Solution(nfe, 0, 0);
        }
        double[] t = new double[rows];
        Arrays.fill(t, from);
        double[] h = new double[rows];
        double[] hh = new double[rows];
        boolean[] active = new boolean[rows];
        boolean[] rejectedLast = new boolean[rows];
        Arrays.fill(active, true);
        double[] tau = new double[rows];
        double[] k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n];
        double[] k5 = new double[n], k6 = new double[n], k7 = new double[n];
        double[] ys = new double[n];
        double[] y5 = new double[n];

        // 0. first slope and starting step (Hairer, Norsett and Wanner, section II.4)
        system.derivative(t, y, k1, rows);
        countActive(nfe, active);
        checkFinite(k1, d, active);
        for (int r = 0; r < rows; r++) {
            double d0 = 0, d1 = 0;
            for (int i = r * d; i < r * d + c; i++) {
                double sc = atol + rtol * Math.abs(y[i]);
                d0 += sq(y[i] / sc);
                d1 += sq(k1[i] / sc);
            }
            d0 = Math.sqrt(d0 / c);
            d1 = Math.sqrt(d1 / c);
            double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
            h[r] = Math.min(h0, span);
            tau[r] = from + dir * h[r];
            for (int i = r * d; i < (r + 1) * d; i++) {
                ys[i] = y[i] + dir * h[r] * k1[i];
            }
        }
        system.derivative(tau, ys, k2, rows);
        countActive(nfe, active);
        for (int r = 0; r < rows; r++) {
            double d1 = 0, d2 = 0;
            for (int i = r * d; i < r * d + c; i++) {
                double sc = atol + rtol * Math.abs(y[i]);
                d1 += sq(k1[i] / sc);
                d2 += sq((k2[i] - k1[i]) / sc);
            }
            d1 = Math.sqrt(d1 / c);
            d2 = Math.sqrt(d2 / c) / h[r];
            double m = Math.max(d1, d2);
            double h1 = m <= 1e-15 ? Math.max(1e-6, h[r] * 1e-3) : Math.pow(0.01 / m, 0.2);
            h[r] = Math.min(Math.min(100 * h[r], h1), span);
        }

        long accepted = 0;
        long rejected = 0;
        int remaining = rows;
        while (remaining > 0) {
            for (int r = 0; r < rows; r++) {
                if (active[r]) {
                    double left = Math.abs(to - t[r]);
                    hh[r] = dir * Math.min(h[r], left);
                } else {
                    hh[r] = 0;
                }
            }
            // 1. stages 2..7, each one batched evaluation
            stage(t, hh, C2, tau, rows);
            combine(ys, y, hh, d, rows, A21, k1);
            system.derivative(tau, ys, k2, rows);
            stage(t, hh, C3, tau, rows);
            combine(ys, y, hh, d, rows, A31, k1, A32, k2);
            system.derivative(tau, ys, k3, rows);
            stage(t, hh, C4, tau, rows);
            combine(ys, y, hh, d, rows, A41, k1, A42, k2, A43, k3);
            system.derivative(tau, ys, k4, rows);
            stage(t, hh, C5, tau, rows);
            combine(ys, y, hh, d, rows, A51, k1, A52, k2, A53, k3, A54, k4);
            system.derivative(tau, ys, k5, rows);
            stage(t, hh, 1.0, tau, rows);
            combine(ys, y, hh, d, rows, A61, k1, A62, k2, A63, k3, A64, k4, A65, k5);
            system.derivative(tau, ys, k6, rows);
            combine(y5, y, hh, d, rows, B1, k1, B3, k3, B4, k4, B5, k5, B6, k6);
            system.derivative(tau, y5, k7, rows);
            for (int r = 0; r < rows; r++) {
                if (active[r]) {
                    nfe[r] += 6;
                }
            }
            // 2. error estimate, accept or reject, next step size, per row
            for (int r = 0; r < rows; r++) {
                if (!active[r]) {
                    continue;
                }
                double err = 0;
                double hr = hh[r];
                for (int i = r * d; i < r * d + c; i++) {
                    double e = hr * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
                    double sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(y5[i]));
                    err += sq(e / sc);
                }
                err = Math.sqrt(err / c);
                if (err <= 1.0) {
                    accepted++;
                    System.arraycopy(y5, r * d, y, r * d, d);
                    System.arraycopy(k7, r * d, k1, r * d, d);
                    double left = Math.abs(to - t[r]);
                    if (Math.abs(hr) >= left) {
                        t[r] = to;
                        active[r] = false;
                        remaining--;
                        continue;
                    }
                    t[r] += hr;
                    double factor = err == 0 ? 10 : Math.min(10, 0.9 * Math.pow(err, -0.2));
                    if (rejectedLast[r]) {
                        factor = Math.min(1, factor);
                    }
                    h[r] = Math.abs(hr) * factor;
                    rejectedLast[r] = false;
                } else {
                    rejected++;
                    double factor = Double.isNaN(err) ? 0.2 : Math.max(0.2, 0.9 * Math.pow(err, -0.2));
                    h[r] = Math.abs(hr) * factor;
                    rejectedLast[r] = true;
                }
                if (h[r] < 1e-14 * Math.max(span, Math.abs(t[r])) || nfe[r] > maxEvaluations) {
                    throw new dev.pfgm.shared.NonFiniteException("RK45 cannot follow row " + r + " at t=" + t[r]
                            + " (step " + h[r] + ", " + nfe[r] + " evaluations); the drift is not smooth or not finite");
                }
            }
            if (observer != StepObserver.NONE) {
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    sum += Math.abs(t[r] - from);
                }
                observer.onStep(sum / (rows * span));
            }
        }
        return new Solution(nfe, accepted, rejected);
    }

    private static double sq(double v) {
        return v * v;
    }

    private static void countActive(long[] nfe, boolean[] active) {
        for (int r = 0; r < nfe.length; r++) {
            if (active[r]) {
                nfe[r]++;
            }
        }
    }

    private static void checkFinite(double[] f, int d, boolean[] active) {
        for (int i = 0; i < f.length; i++) {
            if (!Double.isFinite(f[i]) && active[i / d]) {
                throw new dev.pfgm.shared.NonFiniteException("the drift is not finite at the start of row " + (i / d));
            }
        }
    }

    private static void stage(double[] t, double[] hh, double c, double[] tau, int rows) {
        for (int r = 0; r < rows; r++) {
            tau[r] = t[r] + c * hh[r];
        }
    }

    /** out = y + h_r * sum_j (a_j * k_j), per row; {@code terms} alternates coefficient and slope array. */
    private static void combine(double[] out, double[] y, double[] hh, int d, int rows, Object... terms) {
        int m = terms.length / 2;
        double[] a = new double[m];
        double[][] k = new double[m][];
        for (int j = 0; j < m; j++) {
            a[j] = (Double) terms[2 * j];
            k[j] = (double[]) terms[2 * j + 1];
        }
        for (int r = 0; r < rows; r++) {
            double hr = hh[r];
            for (int i = r * d; i < (r + 1) * d; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += a[j] * k[j][i];
                }
                out[i] = y[i] + hr * s;
            }
        }
    }
}
