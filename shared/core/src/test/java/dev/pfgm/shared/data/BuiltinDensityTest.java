package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The builtin sets whose density is known: the density is the one their points come from. */
class BuiltinDensityTest {
    @Test
    void theDensitiesAreNormalisedAndFitTheirOwnPoints() {
        for (String name : new String[] {"ring8", "mixture6"}) {
            GaussianMixture p = BuiltinData.density("builtin:" + name);
            Dataset bundled = BuiltinData.load("builtin:" + name);
            assertEquals(p.dim(), bundled.dim());
            assertEquals(BuiltinData.dim(name), bundled.dim());
            // the mean log density of the set's own points is the negative entropy, the same for a
            // fresh draw (within sampling error) and higher than a shifted copy's
            double own = meanLogDensity(p, bundled);
            double fresh = meanLogDensity(p, BuiltinData.fresh("builtin:" + name, 20000, 3));
            assertEquals(own, fresh, 0.05, name);
            double[] shifted = bundled.values().clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 0.3;
            }
            assertTrue(meanLogDensity(p, new Dataset("s", shifted, bundled.count(), bundled.dim(), "")) < own - 0.5, name);
        }
        // normalised: in 2-D, a Riemann sum of ring8's density over [-4, 4]^2 is 1
        GaussianMixture ring = BuiltinData.density("builtin:ring8");
        double h = 0.01;
        double total = 0;
        for (double x = -4; x < 4; x += h) {
            for (double y = -4; y < 4; y += h) {
                total += Math.exp(ring.logDensity(new double[] {x, y}, 0)) * h * h;
            }
        }
        assertEquals(1, total, 1e-3);
        assertNull(BuiltinData.density("builtin:moons"), "no closed form for the moons");
    }

    private static double meanLogDensity(GaussianMixture p, Dataset d) {
        double s = 0;
        for (int i = 0; i < d.count(); i++) {
            s += p.logDensity(d.values(), i * d.dim());
        }
        return s / d.count();
    }
}
