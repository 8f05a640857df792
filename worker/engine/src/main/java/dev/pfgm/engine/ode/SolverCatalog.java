package dev.pfgm.engine.ode;

import dev.pfgm.shared.InvalidInputException;
import java.util.List;

/**
 * Solvers by name: rk45 (adaptive, rtol/atol), euler and heun (fixed, K steps on the caller's grid),
 * edm (Heun on EDM's rho = 7 grid whatever the caller asks).
 */
public final class SolverCatalog {
    public static final List<String> NAMES = List.of("rk45", "heun", "euler", "edm");

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
            case "edm" -> new Heun(steps, Grid.EDM);
            default -> throw new InvalidInputException("--solver: unknown solver '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }
}
