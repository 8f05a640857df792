package dev.pfgm.engine.sample;

/** Integrals of radially symmetric densities over R^N, for checking that priors are normalised. */
final class PlaneIntegral {
    private PlaneIntegral() {
    }

    /**
     * The integral of exp(ln p) over R^N: A_N times the integral over R of R^(N-1) p(R), with
     * R = scale tan(theta) and the midpoint rule on 200,000 angles.
     */
    static double of(LogDensity p, int n, double scale) {
        double logAreaN = PfgmPrior.logSphereArea(n);
        int steps = 200_000;
        double sum = 0;
        double[] x = new double[n];
        for (int i = 0; i < steps; i++) {
            double theta = (i + 0.5) / steps * (Math.PI / 2);
            double radius = scale * Math.tan(theta);
            double jac = scale / (Math.cos(theta) * Math.cos(theta));
            x[0] = radius;
            sum += Math.exp(logAreaN + (n - 1) * Math.log(radius) + p.at(x, 0)) * jac;
        }
        return sum * (Math.PI / 2) / steps;
    }
}
