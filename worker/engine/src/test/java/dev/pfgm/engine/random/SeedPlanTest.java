package dev.pfgm.engine.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SeedPlanTest {
    @Test
    void streamsAreReproducibleAndDistinct() {
        assertEquals(SeedPlan.forItem(5, 17).nextLong(), SeedPlan.forItem(5, 17).nextLong());
        assertNotEquals(SeedPlan.forItem(5, 17).nextLong(), SeedPlan.forItem(5, 18).nextLong());
        assertNotEquals(SeedPlan.forItem(5, 17).nextLong(), SeedPlan.forItem(6, 17).nextLong());
        assertNotEquals(SeedPlan.forItem(0, 1).nextLong(), SeedPlan.forItem(1, 0).nextLong());
    }

    @Test
    void gaussiansHaveUnitVarianceAndIntsAreUniform() {
        SeedPlan r = SeedPlan.of(3);
        double s = 0;
        double s2 = 0;
        int n = 200_000;
        int[] bins = new int[7];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            s += g;
            s2 += g * g;
            bins[r.nextInt(7)]++;
        }
        assertEquals(0, s / n, 0.01);
        assertEquals(1, s2 / n, 0.01);
        for (int b : bins) {
            assertEquals(n / 7.0, b, 0.03 * n / 7);
        }
    }
}
