package dev.pfgm.engine.ode;

/** Told after every step how far the batch has come, as a fraction in [0, 1] of the interval. */
@FunctionalInterface
public interface StepObserver {
    StepObserver NONE = fraction -> { };

    void onStep(double fraction);
}
