package dev.pfgm.launcher.cli;

import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm encode: map points to the latent plane z = z_max (forward ODE). */
@Command(name = "encode", description = "map points to the latent plane z = z_max (forward ODE)",
        footer = "Latents are positions on the plane z = z_max in the model's standardised units.")
public final class EncodeCommand extends LatentMapCommand {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "the points: a table as train reads it")
    String input;

    @Override
    String input() {
        return input;
    }

    @Override
    String inputOption() {
        return "--data";
    }

    @Override
    Sampler.Result map(FlowMap map, Dataset in, SolverSpec spec, Progress progress) {
        return map.encode(in, spec, progress);
    }
}
