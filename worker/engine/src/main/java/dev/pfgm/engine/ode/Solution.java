package dev.pfgm.engine.ode;

/**
 * What a solve cost: for each row the function evaluations it needed ({@code evaluations}),
 * plus the batch's accepted and rejected steps (summed over rows for adaptive solvers).
 */
public record Solution(long[] evaluations, long acceptedSteps, long rejectedSteps) {

    public double meanEvaluations() {
        long s = 0;
        for (long e : evaluations) {
            s += e;
        }
        return evaluations.length == 0 ? 0 : (double) s / evaluations.length;
    }
}
