package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.sample.SolverSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --solver, --rtol and --atol ({@link ToleranceOptions}) and --steps: how a command integrates the flow (null fields: not given). */
final class SolverOptions {
    @Option(names = "--solver", paramLabel = "NAME",
            description = "rk45 (default: adaptive Dormand-Prince), heun, euler, edm; diffusion models also"
                    + " euler-maruyama, edm-churn, euler-maruyama-geometric")
    String solver;

    @Mixin
    ToleranceOptions tolerances;

    @Option(names = "--steps", paramLabel = "K", description = "steps of the fixed-step solvers (default 100)")
    Integer steps;

    SolverSpec spec() {
        return spec(solver, tolerances, steps, "--steps");
    }

    /**
     * The solver from options that may be missing (null: the default), checked and named in a refusal;
     * {@code stepOption} names the step count's option (interpolate's is --ode-steps).
     */
    static SolverSpec spec(String solver, ToleranceOptions tolerances, Integer steps, String stepOption) {
        SolverSpec d = SolverSpec.defaults();
        return new SolverSpec(solver == null ? d.name() : solver, tolerances.rtol(), tolerances.atol(),
                steps == null ? d.steps() : Check.range(stepOption, steps, 1, 100_000));
    }

    /** The options given, as a synthesis's parameters (the synthesis checks them). */
    void putInto(ObjectNode params) {
        if (solver != null) {
            params.put("solver", solver);
        }
        tolerances.putInto(params);
        if (steps != null) {
            params.put("steps", steps);
        }
    }
}
