package dev.pfgm.engine.eval;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Arrays;

/**
 * Distances between two samples of rows (row-major, same dimension): what a synthesis report
 * compares synthetic rows with. Per column, the two-sample Kolmogorov-Smirnov statistic; the mean
 * absolute difference of the two correlation matrices (off the diagonal); the sliced Wasserstein-1
 * distance (the mean over random unit directions of the 1-D W1 between the projections, Rabin et
 * al. 2011); and, for privacy, each row's distance to the closest row of a reference (DCR).
 */
public final class SampleStats {
    private static final int DIRECTIONS = 64;

    private SampleStats() {
    }

    /** Column {@code j} of [n, dim] rows. */
    static double[] column(double[] rows, int n, int dim, int j) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rows[i * dim + j];
        }
        return c;
    }

    /** sup |F_a - F_b| of the empirical distribution functions. */
    public static double ks(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            // Double.compare's order, which Arrays.sort used: a NaN is the largest value and equals
            // itself (with <=, a NaN never advanced either index and the loop never ended)
            double v = Double.compare(x[i], y[j]) <= 0 ? x[i] : y[j];
            while (i < x.length && Double.compare(x[i], v) <= 0) {
                i++;
            }
            while (j < y.length && Double.compare(y[j], v) <= 0) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    /** KS per column of [na, dim] against [nb, dim]. */
    public static double[] ksPerColumn(double[] a, int na, double[] b, int nb, int dim) {
        double[] out = new double[dim];
        for (int j = 0; j < dim; j++) {
            out[j] = ks(column(a, na, dim, j), column(b, nb, dim, j));
        }
        return out;
    }

    /** Pearson correlation matrix [dim, dim]. */
    static double[] correlation(double[] rows, int n, int dim) {
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                mean[j] += rows[i * dim + j] / n;
            }
        }
        double[] cov = new double[dim * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                double ej = rows[i * dim + j] - mean[j];
                for (int k = j; k < dim; k++) {
                    cov[j * dim + k] += ej * (rows[i * dim + k] - mean[k]);
                }
            }
        }
        double[] corr = new double[dim * dim];
        for (int j = 0; j < dim; j++) {
            for (int k = j; k < dim; k++) {
                double denom = Math.sqrt(cov[j * dim + j] * cov[k * dim + k]);
                double r = denom > 0 ? cov[j * dim + k] / denom : 0;
                corr[j * dim + k] = r;
                corr[k * dim + j] = r;
            }
        }
        return corr;
    }

    /** Mean |corr_a - corr_b| over the pairs of distinct columns; NaN for one column. */
    public static double correlationDifference(double[] a, int na, double[] b, int nb, int dim) {
        if (dim < 2) {
            return Double.NaN;
        }
        double[] ca = correlation(a, na, dim);
        double[] cb = correlation(b, nb, dim);
        double s = 0;
        int pairs = 0;
        for (int j = 0; j < dim; j++) {
            for (int k = j + 1; k < dim; k++) {
                s += Math.abs(ca[j * dim + k] - cb[j * dim + k]);
                pairs++;
            }
        }
        return s / pairs;
    }

    /** Sliced W1 over {@value #DIRECTIONS} directions drawn from {@code seed} (the same for every pair compared). */
    public static double slicedWasserstein(double[] a, int na, double[] b, int nb, int dim, long seed) {
        return slicedWasserstein(a, na, b, nb, dim, DIRECTIONS, seed);
    }

    /** The same over {@code directions} directions: more of them, less noise from the draw of directions. */
    public static double slicedWasserstein(double[] a, int na, double[] b, int nb, int dim, int directions, long seed) {
        SeedPlan rng = SeedPlan.of(seed);
        double total = 0;
        double[] u = new double[dim];
        double[] pa = new double[na];
        double[] pb = new double[nb];
        for (int t = 0; t < directions; t++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                u[j] = rng.nextGaussian();
                norm += u[j] * u[j];
            }
            norm = Math.sqrt(norm);
            project(a, na, dim, u, norm, pa);
            project(b, nb, dim, u, norm, pb);
            total += wasserstein1(pa, pb);
        }
        return total / directions;
    }

    private static void project(double[] rows, int n, int dim, double[] u, double norm, double[] out) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += rows[i * dim + j] * u[j];
            }
            out[i] = s / norm;
        }
    }

    /** 1-D W1 = the integral of |F_a^-1(u) - F_b^-1(u)| du, at max(na, nb) evenly spaced levels. */
    static double wasserstein1(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int m = Math.max(x.length, y.length);
        double s = 0;
        for (int k = 0; k < m; k++) {
            double q = (k + 0.5) / m;
            s += Math.abs(x[(int) (q * x.length)] - y[(int) (q * y.length)]);
        }
        return s / m;
    }

    /** For each of {@code nq} query rows, the Euclidean distance to the closest of {@code nr} reference rows. */
    public static double[] closestDistances(double[] query, int nq, double[] reference, int nr, int dim) {
        double[] out = new double[nq];
        java.util.stream.IntStream.range(0, nq).parallel().forEach(i -> {
            double best = Double.POSITIVE_INFINITY;
            int qo = i * dim;
            for (int r = 0; r < nr; r++) {
                int ro = r * dim;
                double s = 0;
                for (int j = 0; j < dim && s < best; j++) {
                    double e = query[qo + j] - reference[ro + j];
                    s += e * e;
                }
                if (s < best) {
                    best = s;
                }
            }
            out[i] = Math.sqrt(best);
        });
        return out;
    }

    /** The q-quantile of {@code v} (lower, by position in the sorted values). */
    public static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.floor(q * (s.length - 1))];
    }
}
