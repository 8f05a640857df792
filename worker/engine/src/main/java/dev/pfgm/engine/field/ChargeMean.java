package dev.pfgm.engine.field;

/**
 * m(x, s): the weighted mean of the charges seen from the augmented point (x, s), where s is the
 * extra coordinate (z in PFGM). By math.md F4 it fixes the ODE, dx/ds = (x - m) / s, and its
 * Jacobian gives the likelihood's divergence. The learned network implements it; so can an exact
 * field over a few charges, which is what the solver and likelihood tests use.
 *
 * <p>Implementations keep the points of the last {@link #chargeMean} call: the Jacobian methods
 * refer to them. Not thread-safe.
 */
public interface ChargeMean {
    int dim();

    /** m [rows, N] at x [rows, N] and s [rows]. */
    void chargeMean(double[] x, double[] s, int rows, double[] m);

    /** tr(dm/dx) at each row of the last {@link #chargeMean}. */
    void jacobianTrace(double[] trace);

    /**
     * e^T (dm/dx) e for {@code count} vectors e per row of the last {@link #chargeMean}:
     * {@code probes} is [count * rows, N], block-major; {@code forms} receives [count * rows].
     */
    void probeForms(double[] probes, int count, double[] forms);
}
