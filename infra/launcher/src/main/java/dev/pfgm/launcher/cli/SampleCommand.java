package dev.pfgm.launcher.cli;

import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** ./pfgm sample: draws new points from a model. */
public final class SampleCommand implements Command {
    static final Set<String> SOLVER_OPTIONS = Set.of("solver", "rtol", "atol", "steps");

    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String summary() {
        return "draw samples from a model into a .npy file";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm sample --model MODEL --count N --out OUT.npy [--seed S]",
                "                     [--solver rk45|heun|euler] [--rtol R] [--atol A] [--steps K]",
                "  writes float32 [N, d] in the data's units; sample i depends only on (model, seed, i, solver)",
                "  rk45 (default) is adaptive with rtol = atol = 1e-4; heun and euler take K steps (default 100)");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("sample", argv, union(Set.of("model", "count", "out", "seed"), SOLVER_OPTIONS), Set.of());
        Path modelPath = Path.of(a.required("model"));
        int count = a.integer("count", 0, 1, 100_000_000);
        if (!a.has("count")) {
            a.required("count");
        }
        Path out = a.output("out");
        long seed = a.seed("seed", 0);
        SolverSpec spec = solverSpec(a);
        PfgmModel model = ModelFile.read(modelPath, "--model");

        ProgressBar bar = new ProgressBar("sample");
        long t0 = System.nanoTime();
        Sampler.Result r;
        try {
            r = new Sampler(model).sample(count, seed, spec,
                    f -> bar.update(f, String.format(Locale.ROOT, "%d samples", count)));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
        new Summary().put("count", count).put("dim", r.dim()).put("nfe", r.meanNfe())
                .put("seconds", TrainCommand.round(seconds)).put("samples_per_second", count / seconds)
                .put("solver", spec.name()).put("seed", seed).put("out", out.toString()).print();
    }

    static SolverSpec solverSpec(Args a) {
        SolverSpec d = SolverSpec.defaults();
        return new SolverSpec(a.string("solver", d.name()), a.number("rtol", d.rtol(), 0, 1),
                a.number("atol", d.atol(), 0, 1), a.integer("steps", d.steps(), 1, 100_000));
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        var s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }
}
