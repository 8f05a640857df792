package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.synthesis.PartLayout;
import dev.pfgm.synthesis.TableCsv;
import java.nio.file.Path;
import java.util.List;
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
        return "draw samples from a model into a .npy or .csv file";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm sample --model MODEL --count N --out OUT.npy|OUT.csv [--seed S] [--grid GRID.png]",
                "                     [--solver rk45|heun|euler|edm|euler-maruyama|edm-churn|euler-maruyama-geometric]",
                "                     [--rtol R] [--atol A] [--steps K]",
                "                     [--class C|cycle] [--guidance W] [--guidance-interval LO,HI]",
                "  writes float32 [N, d] in the data's units ([N, c, h, w] in [-1, 1] for image models) to .npy,",
                "  or, for table models, CSV with the training data's column names (and a label column for a",
                "  class-conditional model) to .csv; other extensions are refused",
                "  sample i depends only on (model, seed, i, solver)",
                "  --grid (image models): also a PNG grid of the first min(N, 100) samples, 10 per row",
                "  rk45 (default) is adaptive with rtol = atol = 1e-4; heun and euler take K steps (default 100)",
                "  in z on a grid uniform in ln z; edm is heun on EDM's grid, uniform in z^(1/7) (PFGM++: K = 18)",
                "  diffusion models (aug_dim \"inf\") also take the stochastic samplers of their reverse SDE on",
                "  EDM's grid: euler-maruyama (K evaluations) and edm-churn (EDM's Algorithm 2, 2K - 1), and",
                "  euler-maruyama-geometric (K evaluations on a grid uniform in ln sigma, as Song et al.'s VE SDE)",
                "  class-conditional models (trained with --labels): every sample of class C (cycle: sample i",
                "  of class i mod classes; default: each drawn from the training labels' shares), with",
                "  classifier-free guidance W (default 1: the conditional model as trained; 0: unconditional;",
                "  above 1 more typical of the class, at two network passes per evaluation); with",
                "  --guidance-interval, W applies only while z (PFGM++: the noise level sigma) is in [LO, HI]",
                "  and the rest of the path is conditional (W = 1)");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("sample", argv, union(Set.of("model", "count", "out", "seed", "grid"), GUIDANCE_OPTIONS, SOLVER_OPTIONS), Set.of());
        Path modelPath = Path.of(a.required("model"));
        int count = a.integer("count", 0, 1, 100_000_000);
        if (!a.has("count")) {
            a.required("count");
        }
        Path out = a.output("out");
        String ext = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = ext.endsWith(".csv");
        if (!csv && !ext.endsWith(".npy")) {
            throw new InvalidInputException("--out: '" + out + "' must end in .npy or .csv (for Parquet or PNG files"
                    + " use ./pfgm synthesize --format)");
        }
        long seed = a.seed("seed", 0);
        SolverSpec spec = solverSpec(a);
        Path grid = a.has("grid") ? a.output("grid") : null;
        PfgmModel model = ModelFile.read(modelPath, "--model");
        if (csv && model.isImage()) {
            throw new InvalidInputException("--out: '" + modelPath + "' is an image model; its samples go to .npy (or"
                    + " PNG files with ./pfgm synthesize --format png-tar), not CSV");
        }
        if (grid != null && !model.isImage()) {
            throw new InvalidInputException("--grid: '" + modelPath + "' is a vector model; grids are for image models");
        }

        Guidance guidance = guidance(a, model);
        ProgressBar bar = new ProgressBar("sample");
        long t0 = System.nanoTime();
        Sampler.Result r;
        try {
            r = new Sampler(model, guidance).sample(count, seed, spec,
                    f -> bar.update(f, String.format(Locale.ROOT, "%d samples", count)));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (model.isImage()) {
            ImageMeta im = model.image();
            DataFiles.writeNpy(out, r.samples(), new long[] {count, im.channels(), im.height(), im.width()});
        } else if (csv) {
            // the training data's column names, and each sample's class for a class-conditional model
            List<String> columns = PartLayout.of(model).columns();
            DataFiles.writeAtomically(out, o -> TableCsv.write(o, columns, r.samples(), r.count(), r.labels(), null));
        } else {
            DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
        }
        if (grid != null) {
            ImageMeta im = model.image();
            byte[] png = ImageGrid.samples(r.samples(), count, im.channels(), im.height(), im.width());
            DataFiles.writeAtomically(grid, o -> o.write(png));
        }
        Summary summary = new Summary().put("count", count).put("dim", r.dim()).put("nfe", r.meanNfe())
                .put("seconds", TrainCommand.round(seconds)).put("samples_per_second", count / seconds)
                .put("solver", spec.name()).put("seed", seed).put("out", out.toString());
        if (grid != null) {
            summary.put("grid", grid.toString());
        }
        if (guidance != null) {
            describe(summary, guidance);
            summary.put("class_counts", classCounts(r.labels(), model.classes()));
        }
        summary.print();
    }

    static SolverSpec solverSpec(Args a) {
        SolverSpec d = SolverSpec.defaults();
        return new SolverSpec(a.string("solver", d.name()), a.number("rtol", d.rtol(), 0, 1),
                a.number("atol", d.atol(), 0, 1), a.integer("steps", d.steps(), 1, 100_000));
    }

    static final Set<String> GUIDANCE_OPTIONS = Set.of("class", "guidance", "guidance-interval");

    /**
     * --class, --guidance and --guidance-interval for a class-conditional model (null for an
     * unconditional one, which refuses all three).
     */
    static Guidance guidance(Args a, PfgmModel model) {
        int classes = model.classes();
        if (classes == 0) {
            for (String flag : GUIDANCE_OPTIONS) {
                if (a.has(flag)) {
                    throw new InvalidInputException("--" + flag + ": the model is not class-conditional (train with"
                            + " --labels for one)");
                }
            }
            return null;
        }
        Integer label = !a.has("class") ? null : "cycle".equals(a.string("class", null)) ? Guidance.CYCLE
                : a.integer("class", 0, 0, classes - 1);
        Double scale = a.has("guidance") ? a.numberIn("guidance", 1, 0, 20) : null;
        return Guidance.forModel(model, label, scale, a.has("guidance-interval") ? interval(a) : null);
    }

    /** Puts the guidance scale and, when it is limited, its z interval (HI null for no bound) into a summary. */
    static void describe(Summary summary, Guidance g) {
        summary.put("guidance", g.scale());
        if (g.from() > 0 || g.to() < Double.POSITIVE_INFINITY) {
            var interval = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(g.from());
            summary.put("guidance_interval", Double.isInfinite(g.to()) ? interval.addNull() : interval.add(g.to()));
        }
    }

    /** --guidance-interval LO,HI: 0 <= LO < HI (HI may be inf). */
    private static double[] interval(Args a) {
        String raw = a.string("guidance-interval", "");
        String[] parts = raw.split(",", -1);
        try {
            if (parts.length == 2) {
                double lo = Double.parseDouble(parts[0].trim());
                double hi = Double.parseDouble(parts[1].trim().replace("inf", "Infinity"));
                if (lo >= 0 && hi > lo) {
                    return new double[] {lo, hi};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("--guidance-interval: '" + raw + "' is not LO,HI with 0 <= LO < HI");
    }

    static String classCounts(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        return java.util.Arrays.toString(counts);
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        var s = new java.util.HashSet<String>();
        for (Set<String> set : sets) {
            s.addAll(set);
        }
        return s;
    }
}
