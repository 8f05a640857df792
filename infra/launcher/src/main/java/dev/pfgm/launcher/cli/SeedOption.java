package dev.pfgm.launcher.cli;

import picocli.CommandLine.Option;

/** --seed S: the random seed of a command's draws. */
final class SeedOption {
    @Option(names = "--seed", paramLabel = "S", description = "the random seed, >= 0 (default 0)")
    long seed;

    long value() {
        return Check.seed("--seed", seed);
    }
}
