package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassPlanTest {
    @Test
    void countsAreExactAndThePermutationIsABijection() {
        for (long[] counts : new long[][] {{1}, {3, 0, 4}, {10_000, 500}, {777, 1, 2, 3, 5000}}) {
            ClassPlan plan = new ClassPlan(counts, 42);
            int n = (int) plan.count();
            boolean[] hit = new boolean[n];
            long[] seen = new long[counts.length];
            for (int i = 0; i < n; i++) {
                long p = plan.permute(i);
                assertTrue(p >= 0 && p < n && !hit[(int) p], "position " + p + " of row " + i);
                hit[(int) p] = true;
                seen[plan.classOf(i)]++;
            }
            assertArrayEquals(counts, seen);
        }
    }

    @Test
    void classesAreShuffledAndDependOnTheSeedOnly() {
        ClassPlan a = new ClassPlan(new long[] {5000, 5000}, 1);
        // shuffled: the first thousand rows hold both classes in about equal numbers
        int ones = 0;
        for (int i = 0; i < 1000; i++) {
            ones += a.classOf(i);
        }
        assertTrue(ones > 400 && ones < 600, "class 1 among the first 1000 rows: " + ones);
        assertArrayEquals(a.classes(300, 50), new ClassPlan(new long[] {5000, 5000}, 1).classes(300, 50));
        assertNotEquals(java.util.Arrays.toString(a.classes(0, 64)),
                java.util.Arrays.toString(new ClassPlan(new long[] {5000, 5000}, 2).classes(0, 64)));
        // a billion rows: any row's class without a table
        ClassPlan big = new ClassPlan(new long[] {999_999_999L, 1}, 3);
        int found = -1;
        for (long i = 0; i < 2000 && found < 0; i++) {
            if (big.classOf(i) == 1) {
                found = (int) i;
            }
        }
        assertEquals(-1, found, "one row in a billion is class 1; it is not among the first 2000");
    }
}
