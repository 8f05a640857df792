package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** ./pfgm encode and ./pfgm decode: the invertible map between data and the latent plane. */
public final class EncodeCommand implements Command {
    private final boolean encode;

    private EncodeCommand(boolean encode) {
        this.encode = encode;
    }

    public static EncodeCommand encode() {
        return new EncodeCommand(true);
    }

    public static EncodeCommand decode() {
        return new EncodeCommand(false);
    }

    @Override
    public String name() {
        return encode ? "encode" : "decode";
    }

    @Override
    public String summary() {
        return encode ? "map points to the latent plane z = z_max (forward ODE)"
                : "map latent points back to data (backward ODE)";
    }

    @Override
    public String usage() {
        String input = encode ? "--data FILE" : "--latent FILE";
        return String.join("\n",
                "usage: ./pfgm " + name() + " --model MODEL " + input + " --out OUT.npy [--solver rk45|heun|euler|edm]"
                        + " [--rtol R] [--atol A] [--steps K]",
                "  latents are positions on the plane z = z_max in the model's standardised units");
    }

    @Override
    public void run(String[] argv) throws Exception {
        String inFlag = encode ? "data" : "latent";
        Args a = Args.parse(name(), argv, SampleCommand.union(Set.of("model", inFlag, "out"), SampleCommand.SOLVER_OPTIONS),
                Set.of());
        Path modelPath = Path.of(a.required("model"));
        String inSpec = a.required(inFlag);
        Path out = a.output("out");
        SolverSpec spec = SampleCommand.solverSpec(a);
        Dataset in = DataFiles.load(inSpec, "--" + inFlag);
        PfgmModel model = ModelFile.read(modelPath, "--model");
        model.checkDimension(in, "--" + inFlag);

        ProgressBar bar = new ProgressBar(name());
        long t0 = System.nanoTime();
        Sampler.Result r;
        try {
            FlowMap map = new FlowMap(model);
            String detail = String.format(Locale.ROOT, "%d points", in.count());
            r = encode ? map.encode(in, spec, f -> bar.update(f, detail)) : map.decode(in, spec, f -> bar.update(f, detail));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
        new Summary().put("count", r.count()).put("nfe", r.meanNfe()).put("seconds", TrainCommand.round(seconds))
                .put("solver", spec.name()).put("out", out.toString()).print();
    }
}
