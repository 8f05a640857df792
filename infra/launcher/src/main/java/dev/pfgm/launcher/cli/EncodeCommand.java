package dev.pfgm.launcher.cli;

import dev.pfgm.engine.sample.FlowMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm encode: map points to the latent plane z = z_max (forward ODE). */
@Command(name = "encode", description = "map points to the latent plane z = z_max (forward ODE)",
        footer = "Latents are positions on the plane z = z_max in the model's standardised units.")
public final class EncodeCommand extends LatentMapCommand {
    public EncodeCommand() {
        super("--data", FlowMap::encode);
    }

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "the points: a table as train reads it")
    void input(String file) {
        input = file;
    }
}
