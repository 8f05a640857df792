package dev.pfgm.engine.ode;

/** Where a fixed-step solver puts its K + 1 points between the ends of the interval. */
public enum Grid {
    /** Evenly spaced. */
    UNIFORM,
    /**
     * Evenly spaced in log|tau| (both ends of one sign, non-zero). PFGM's Euler and Heun step in
     * z on this grid, which is uniform in t = ln z (math.md, section 8).
     */
    GEOMETRIC,
    /**
     * Evenly spaced in tau^(1/7) (both ends positive): EDM's schedule (Karras et al. 2022, rho = 7),
     * which PFGM++ samples with (math.md, section 11.4); steps shrink toward the data, less
     * steeply than on the geometric grid.
     */
    EDM;

    private static final double RHO = 7;

    public double[] points(double from, double to, int steps) {
        double[] p = new double[steps + 1];
        for (int k = 0; k <= steps; k++) {
            double f = (double) k / steps;
            p[k] = switch (this) {
                case UNIFORM -> from + f * (to - from);
                case GEOMETRIC -> from * Math.exp(f * Math.log(to / from));
                case EDM -> {
                    double a = Math.pow(from, 1 / RHO);
                    yield Math.pow(a + f * (Math.pow(to, 1 / RHO) - a), RHO);
                }
            };
        }
        p[steps] = to;
        return p;
    }
}
