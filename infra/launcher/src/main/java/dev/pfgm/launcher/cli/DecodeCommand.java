package dev.pfgm.launcher.cli;

import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm decode: map latent points back to data (backward ODE). */
@Command(name = "decode", description = "map latent points back to data (backward ODE)",
        footer = "Latents are positions on the plane z = z_max in the model's standardised units.")
public final class DecodeCommand extends LatentMapCommand {
    @Option(names = "--latent", required = true, paramLabel = "FILE", description = "latent points, as encode writes them")
    String input;

    @Override
    String input() {
        return input;
    }

    @Override
    String inputOption() {
        return "--latent";
    }

    @Override
    Sampler.Result map(FlowMap map, Dataset in, SolverSpec spec, Progress progress) {
        return map.decode(in, spec, progress);
    }
}
