package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.sample.SolverSpec;
import picocli.CommandLine.Option;

/** --solver, --rtol, --atol and --steps: how a command integrates the flow (null fields: not given). */
final class SolverOptions {
    @Option(names = "--solver", paramLabel = "NAME",
            description = "rk45 (default: adaptive Dormand-Prince), heun, euler, edm; diffusion models also"
                    + " euler-maruyama, edm-churn, euler-maruyama-geometric")
    String solver;

    @Option(names = "--rtol", paramLabel = "R", description = "rk45's relative tolerance, in (0, 1) (default 1e-4)")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "rk45's absolute tolerance, in (0, 1) (default 1e-4)")
    Double atol;

    @Option(names = "--steps", paramLabel = "K", description = "steps of the fixed-step solvers (default 100)")
    Integer steps;

    SolverSpec spec() {
        return spec(solver, rtol, atol, steps, "--steps");
    }

    /**
     * The solver from options that may be missing (null: the default), checked and named in a refusal;
     * {@code stepOption} names the step count's option (interpolate's is --ode-steps).
     */
    static SolverSpec spec(String solver, Double rtol, Double atol, Integer steps, String stepOption) {
        SolverSpec d = SolverSpec.defaults();
        return new SolverSpec(solver == null ? d.name() : solver,
                rtol == null ? d.rtol() : Check.open("--rtol", rtol, 0, 1),
                atol == null ? d.atol() : Check.open("--atol", atol, 0, 1),
                steps == null ? d.steps() : Check.range(stepOption, steps, 1, 100_000));
    }

    /** The options given, as a synthesis's parameters (the synthesis checks them). */
    void putInto(ObjectNode params) {
        if (solver != null) {
            params.put("solver", solver);
        }
        if (rtol != null) {
            params.put("rtol", rtol);
        }
        if (atol != null) {
            params.put("atol", atol);
        }
        if (steps != null) {
            params.put("steps", steps);
        }
    }
}
