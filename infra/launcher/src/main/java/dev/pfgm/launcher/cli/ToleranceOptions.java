package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.model.SolverLimits;
import picocli.CommandLine.Option;

/** --rtol and --atol: the adaptive solver's tolerances, each in [1e-10, 1) (null fields: not given). */
final class ToleranceOptions {
    @Option(names = "--rtol", paramLabel = "R", description = "rk45's relative tolerance, in [1e-10, 1) (default 1e-4)")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "rk45's absolute tolerance, in [1e-10, 1) (default 1e-4)")
    Double atol;

    double rtol() {
        return rtol == null ? SolverSpec.DEFAULT_TOLERANCE : checked("--rtol", rtol);
    }

    double atol() {
        return atol == null ? SolverSpec.DEFAULT_TOLERANCE : checked("--atol", atol);
    }

    private static double checked(String option, double v) {
        if (!SolverLimits.tolerance(v)) {
            throw new InvalidInputException(option + ": must be a number in [" + SolverLimits.MIN_TOLERANCE + ", 1),"
                    + " got " + v);
        }
        return v;
    }

    /** The tolerances given, as a synthesis's parameters (the synthesis checks them). */
    void putInto(ObjectNode params) {
        if (rtol != null) {
            params.put("rtol", rtol);
        }
        if (atol != null) {
            params.put("atol", atol);
        }
    }
}
