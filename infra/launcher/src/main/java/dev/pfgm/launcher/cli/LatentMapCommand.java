package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ./pfgm encode and decode: the invertible map between data and the latent plane z = z_max, in
 * the model's standardised units.
 */
abstract class LatentMapCommand extends CliCommand {
    @Mixin
    ModelOption modelFile;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "float32 [n, d]")
    Path outPath;

    @Mixin
    SolverOptions solver;

    /** One direction of the map: FlowMap's encode or decode. */
    interface Direction {
        Sampler.Result map(FlowMap map, Dataset in, SolverSpec spec, Progress progress);
    }

    private final String inputOption;
    private final Direction direction;

    /** The input file, set by the subclass's option (--data or --latent). */
    String input;

    LatentMapCommand(String inputOption, Direction direction) {
        this.inputOption = inputOption;
        this.direction = direction;
    }

    @Override
    protected void run() throws Exception {
        Path out = Check.output("--out", outPath, ".npy");
        SolverSpec spec = solver.spec();
        Dataset in = DataFiles.load(input, inputOption);
        PfgmModel model = modelFile.read();
        model.checkDimension(in, inputOption);

        String name = getClass().getAnnotation(Command.class).name();
        ProgressBar bar = new ProgressBar(name);
        long t0 = System.nanoTime();
        Sampler.Result r;
        try {
            String detail = String.format(Locale.ROOT, "%d points", in.count());
            r = direction.map(new FlowMap(model), in, spec, f -> bar.update(f, detail));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
        new Summary().put("count", r.count()).put("nfe", r.meanNfe()).put("seconds", TrainCommand.round(seconds))
                .put("solver", spec.name()).put("out", out.toString()).print();
    }
}
