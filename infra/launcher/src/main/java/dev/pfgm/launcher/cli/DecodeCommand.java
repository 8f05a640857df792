package dev.pfgm.launcher.cli;

import dev.pfgm.engine.sample.FlowMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ./pfgm decode: map latent points back to data (backward ODE). */
@Command(name = "decode", description = "map latent points back to data (backward ODE)",
        footer = "Latents are positions on the plane z = z_max in the model's standardised units.")
public final class DecodeCommand extends LatentMapCommand {
    public DecodeCommand() {
        super("--latent", FlowMap::decode);
    }

    @Option(names = "--latent", required = true, paramLabel = "FILE", description = "latent points, as encode writes them")
    void input(String file) {
        input = file;
    }
}
