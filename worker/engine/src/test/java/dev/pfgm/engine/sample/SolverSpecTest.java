package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The solver options' ranges at their edges, and which solvers are stochastic. */
class SolverSpecTest {
    private static String refusal(String name, double rtol, double atol, int steps) {
        return assertThrows(InvalidInputException.class, () -> new SolverSpec(name, rtol, atol, steps)).getMessage();
    }

    @Test
    void rangesHoldAtTheirEdges() {
        assertEquals(1, new SolverSpec("euler", 0.5, 0.5, 1).steps());
        assertEquals(100_000, new SolverSpec("euler", 0.5, 0.5, 100_000).steps());
        assertTrue(refusal("euler", 0.5, 0.5, 0).startsWith("--steps"));
        assertTrue(refusal("euler", 0.5, 0.5, 100_001).startsWith("--steps"));
        assertTrue(refusal("rk45", 1, 0.5, 10).startsWith("--rtol"));
        assertTrue(refusal("rk45", 0, 0.5, 10).startsWith("--rtol"));
        assertTrue(refusal("rk45", 0.5, 1, 10).startsWith("--atol"));
        assertTrue(refusal("rk45", 0.5, 0, 10).startsWith("--atol"));
        assertTrue(refusal("rk4", 0.5, 0.5, 10).startsWith("--solver: unknown solver 'rk4'"));
    }

    @Test
    void onlyTheReverseSdeSamplersAreStochastic() {
        for (String name : SolverSpec.NAMES) {
            SolverSpec s = new SolverSpec(name, 1e-4, 1e-4, 10);
            assertEquals(SolverSpec.STOCHASTIC.contains(name), s.stochastic(), name);
            assertEquals(name.equals("rk45"), s.adaptive(), name);
        }
        assertTrue(new SolverSpec("euler-maruyama", 1e-4, 1e-4, 10).stochastic());
        assertTrue(!new SolverSpec("heun", 1e-4, 1e-4, 10).stochastic());
    }
}
