package dev.pfgm.engine.sample;

/** Told how much of a long computation is done, as a fraction in [0, 1]; may throw to stop it. */
@FunctionalInterface
public interface Progress {
    Progress NONE = fraction -> { };

    void update(double fraction);
}
