package dev.pfgm.engine.sample;

import dev.pfgm.engine.ode.DormandPrince;
import dev.pfgm.engine.ode.Grid;
import dev.pfgm.engine.ode.OdeSolver;
import dev.pfgm.engine.ode.SolverCatalog;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.model.SolverLimits;

/**
 * How to integrate PFGM's ODE: rk45 (adaptive in t = ln z, rtol/atol; the default, 1e-4 / 1e-4 as
 * in the paper), euler / heun with K steps taken in z on a grid uniform in ln z, as the official
 * sampler does (math.md, section 8), or edm: Heun on EDM's grid, uniform in z^(1/7), which
 * PFGM++ uses with K = 18 (35 evaluations; section 11.4).
 */
public record SolverSpec(String name, double rtol, double atol, int steps) {
    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final int DEFAULT_STEPS = 100;
    /** The stochastic samplers of a diffusion model's reverse SDE ({@link StochasticSampler}). */
    public static final String EULER_MARUYAMA = "euler-maruyama";
    public static final String EDM_CHURN = "edm-churn";
    /** Euler-Maruyama on the geometric grid of Song et al.'s VE SDE: the kind of sampler the "10-20x" claim is measured against. */
    public static final String EULER_MARUYAMA_GEOMETRIC = "euler-maruyama-geometric";
    /** The stochastic samplers by name. */
    public static final java.util.List<String> STOCHASTIC = java.util.List.of(EULER_MARUYAMA, EDM_CHURN,
            EULER_MARUYAMA_GEOMETRIC);
    /** Every sampler by name: the ODE solvers, then the stochastic ones. */
    public static final java.util.List<String> NAMES = java.util.stream.Stream.concat(SolverCatalog.NAMES.stream(),
            STOCHASTIC.stream()).toList();

    public static SolverSpec defaults() {
        return new SolverSpec("rk45", DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, DEFAULT_STEPS);
    }

    public SolverSpec {
        if (!NAMES.contains(name)) {
            throw new InvalidInputException("--solver: unknown solver '" + name + "'; known: " + String.join(", ", NAMES));
        }
        if (!SolverLimits.tolerance(rtol)) {
            throw new InvalidInputException("--rtol: must be in [" + SolverLimits.MIN_TOLERANCE + ", 1), got " + rtol);
        }
        if (!SolverLimits.tolerance(atol)) {
            throw new InvalidInputException("--atol: must be in [" + SolverLimits.MIN_TOLERANCE + ", 1), got " + atol);
        }
        if (steps < 1 || steps > 100_000) {
            throw new InvalidInputException("--steps: must be an integer in [1, 100000], got " + steps);
        }
    }

    public boolean adaptive() {
        return name.equals("rk45");
    }

    /** A stochastic sampler (a diffusion model's reverse SDE) rather than an ODE solver. */
    public boolean stochastic() {
        return STOCHASTIC.contains(name);
    }

    /**
     * Refuses a stochastic sampler where only the ODE makes sense: for a model that is not a
     * diffusion model (its flow has no reverse SDE here), or for {@code what} (encoding, log densities).
     */
    public void requireOde(String what) {
        if (stochastic()) {
            throw new InvalidInputException("--solver: " + name + " is a stochastic sampler; " + what
                    + " needs an ODE solver (rk45, heun, euler or edm)");
        }
    }

    /** The solver; fixed-step ones step in z on a geometric grid. */
    public OdeSolver solver() {
        return SolverCatalog.create(name, rtol, atol, steps, Grid.GEOMETRIC);
    }

    /**
     * The solver for rows whose first {@code point} values are the point and the rest ride along
     * (log-density integrals): the adaptive solver controls its steps by the point alone, so the
     * point follows the path {@link #solver()} gives it.
     */
    public OdeSolver solverFor(int point) {
        return adaptive() ? new DormandPrince(rtol, atol, 100_000, point) : solver();
    }

    public DormandPrince adaptiveSolver() {
        return new DormandPrince(rtol, atol);
    }
}
