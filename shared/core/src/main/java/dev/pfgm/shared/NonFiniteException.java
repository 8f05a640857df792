package dev.pfgm.shared;

/**
 * Arithmetic that left the finite numbers: a training loss of NaN or infinity, a drift the ODE
 * cannot follow. The same inputs and seed would fail the same way again, so a job that meets it
 * fails at once instead of being retried.
 */
public class NonFiniteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(String message) {
        super(message);
    }

    /** Refuses a training loss that is not finite, naming the step. */
    public static void checkLoss(double loss, int step) {
        if (!Double.isFinite(loss)) {
            throw new NonFiniteException("the training loss is " + loss + " at step " + step
                    + "; lower lr, raise warmup or clip, or check the data's scale");
        }
    }
}
