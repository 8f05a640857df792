package dev.pfgm.engine.ode;

import dev.pfgm.shared.InvalidInputException;
import java.util.List;

/** Solvers by name: rk45 (adaptive, rtol/atol), euler and heun (fixed, K steps). */
public final class SolverCatalog {
    public static final List<String> NAMES = List.of("rk45", "heun", "euler");

    private SolverCatalog() {
    }

    /**
     * @param grid where fixed-step solvers put their points
     */
    public static OdeSolver create(String name, double rtol, double atol, int steps, Grid grid) {
        return switch (name) {
            case "rk45" -> new DormandPrince(rtol, atol);
            case "euler" -> new Euler(steps, grid);
            case "heun" -> new Heun(steps, grid);
            default -> throw new InvalidInputException("--solver: unknown solver '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }
}
