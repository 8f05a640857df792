package dev.pfgm.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

class NeighbourSpacingTest {
    @Test
    void aGridsSpacingIsItsStep() {
        double step = 0.25;
        int side = 30;
        double[] grid = new double[side * side * 2];
        for (int i = 0; i < side; i++) {
            for (int j = 0; j < side; j++) {
                grid[2 * (i * side + j)] = i * step;
                grid[2 * (i * side + j) + 1] = j * step;
            }
        }
        assertEquals(step, NeighbourSpacing.median(grid, 2, SeedPlan.of(1)), 1e-12);
    }

    @Test
    void subsampledEstimateIsRescaledToTheFullSet() {
        // uniform points on the unit square: the median NN distance is about sqrt(ln 2 / (pi n))
        int n = 60_000;
        SeedPlan r = SeedPlan.of(2);
        double[] x = new double[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        double want = Math.sqrt(Math.log(2) / (Math.PI * n));
        assertEquals(want, NeighbourSpacing.median(x, 2, SeedPlan.of(3)), 0.1 * want);
    }
}
