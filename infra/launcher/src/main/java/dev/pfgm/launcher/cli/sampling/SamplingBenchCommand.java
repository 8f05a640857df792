package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.train.Holdout;
import dev.pfgm.launcher.cli.Args;
import dev.pfgm.launcher.cli.Command;
import dev.pfgm.launcher.cli.ProgressBar;
import dev.pfgm.launcher.cli.Summary;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** ./pfgm bench-sampling: quality against NFE for PFGM, PFGM++ and diffusion on one data set. */
public final class SamplingBenchCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "bench-sampling";
    }

    @Override
    public String summary() {
        return "quality vs network evaluations: PFGM, PFGM++ at several D and diffusion, every sampler";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm bench-sampling --data D --steps N [--methods pfgm,pfgmpp:128,pfgmpp:2048,diffusion]",
                "                             [--out docs/sampling] [--count C] [--seeds S] [--nfe 5,10,...]",
                "                             [--tolerances 1e-2,...] [--train-seed S] [--config FILE.json] [--quantise-bits B]",
                "  trains each method on D (a table: builtin:NAME or a file) with the same network, optimiser,",
                "  N steps and seed (a model already in OUT/NAME/models with the same data, steps, seed and D is",
                "  reused), then samples C points (default 2000) with S seeds (default 3) for every sampler at",
                "  each NFE of the ladder (default 5,10,18,35,50,100,200,500,1000: euler and euler-maruyama",
                "  K = NFE; heun, edm and edm-churn K = (NFE + 1) / 2; the stochastic ones for diffusion only)",
                "  and RK45 at each tolerance (default 1e-2,1e-3,1e-4,1e-5)",
                "  quality: sliced Wasserstein-1 to C held-out points (fresh draws for builtin sets; else a",
                "  fifth of the rows, kept out of training) beside the floor (held-out against held-out);",
                "  NLL against the truth where the density is known (builtin:ring8, builtin:mixture6);",
                "  --quantise-bits B: the edm ladder again with weights rounded to B bits (8 is the robustness check;",
                "  0, the default, skips it)",
                "  writes OUT/NAME/{table.md, results.json, quality.png, models/}; the last stdout line is JSON");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("data", "steps", "methods", "out", "count", "seeds", "nfe", "tolerances",
                "train-seed", "config", "quantise-bits"), Set.of());
        String data = a.required("data");
        a.required("steps");
        int steps = a.integer("steps", 20_000, 1, 10_000_000);
        List<SamplingStudy.Method> methods = new ArrayList<>();
        for (String t : a.string("methods", "pfgm,pfgmpp:128,pfgmpp:2048,diffusion").split(",")) {
            methods.add(SamplingStudy.Method.parse(t.trim()));
        }
        int count = a.integer("count", 2000, 20, 1_000_000);
        int seeds = a.integer("seeds", 3, 1, 100);
        List<Integer> ladder = new ArrayList<>();
        for (String t : a.string("nfe", "5,10,18,35,50,100,200,500,1000").split(",")) {
            int n;
            try {
                n = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > 100_000) {
                throw new InvalidInputException("--nfe: '" + t + "' is not an evaluation count in [1, 100000]");
            }
            ladder.add(n);
        }
        List<Double> tolerances = new ArrayList<>();
        String tolText = a.string("tolerances", "1e-2,1e-3,1e-4,1e-5");
        for (String t : tolText.isBlank() ? new String[0] : tolText.split(",")) {
            double v;
            try {
                v = Double.parseDouble(t.trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0 && v < 1)) {
                throw new InvalidInputException("--tolerances: '" + t + "' is not a tolerance in (0, 1)");
            }
            tolerances.add(v);
        }
        long trainSeed = a.seed("train-seed", 0);
        JsonNode extra = JSON.createObjectNode();
        if (a.has("config")) {
            Path config = Path.of(a.required("config"));
            try {
                extra = JSON.readTree(DataFiles.readBytes(config, "--config"));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new InvalidInputException("--config: '" + config + "' is not valid JSON");
            }
            if (extra.has("aug_dim") || extra.has("steps") || extra.has("seed")) {
                throw new InvalidInputException("--config: aug_dim, steps and seed come from --methods, --steps and"
                        + " --train-seed");
            }
        }
        Path outRoot = Path.of(a.string("out", "docs/sampling")).toAbsolutePath();

        // training rows and held-out rows: fresh draws of a builtin set's law, else a fifth kept out
        Dataset train;
        Dataset heldA;
        List<Dataset> heldB = new ArrayList<>();
        GaussianMixture truth = null;
        String setName;
        if (BuiltinData.isBuiltin(data)) {
            train = BuiltinData.load(data);
            setName = data.substring(BuiltinData.PREFIX.length());
            heldA = BuiltinData.fresh(data, count, 1);
            for (int s = 0; s < seeds; s++) {
                heldB.add(BuiltinData.fresh(data, count, 100 + s));
            }
            truth = BuiltinData.density(data);
        } else {
            Dataset all = DataFiles.load(data, "--data");
            setName = Path.of(data).getFileName().toString().replaceAll("\\.[^.]*$", "");
            boolean[] held = Holdout.mask(all.count(), 0.2, trainSeed);
            train = Holdout.rows(all, held, false);
            Dataset out = Holdout.rows(all, held, true);
            if (out.count() < 2 * count) {
                throw new InvalidInputException("--count: " + count + " samples need " + 2 * count + " held-out rows;"
                        + " a fifth of '" + data + "' is " + out.count() + " (lower --count)");
            }
            heldA = slice(out, 0, count);
            // the floor's other half: one draw, the same for every seed
            for (int s = 0; s < seeds; s++) {
                heldB.add(slice(out, count, count));
            }
        }
        Path dir = Files.createDirectories(outRoot.resolve(setName));
        Path models = Files.createDirectories(dir.resolve("models"));
        SamplingStudy.Options o = new SamplingStudy.Options(methods, steps, trainSeed, extra, count, seeds, ladder,
                tolerances, a.integer("quantise-bits", 0, 0, 16));
        ProgressBar bar = new ProgressBar(name());
        SamplingStudy.Result r;
        try {
            r = SamplingStudy.run(setName, train, heldA, heldB, truth, o, models, bar::update);
        } finally {
            bar.close();
        }
        ObjectNode json = SamplingReport.newJson();
        String command = "./pfgm bench-sampling " + String.join(" ", argv);
        String md = SamplingReport.markdown(r, o, command, json);
        DataFiles.writeAtomically(dir.resolve("table.md"), out -> out.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] results = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        DataFiles.writeAtomically(dir.resolve("results.json"), out -> out.write(results));
        byte[] png = QualityPlot.png(r.cells(), r.floorMean(), setName + ": quality against evaluations (" + steps
                + " training steps)", "sliced W1 to held-out points");
        DataFiles.writeAtomically(dir.resolve("quality.png"), out -> out.write(png));
        new Summary().put("data", data).put("dir", dir.toString()).put("floor", r.floorMean())
                .put("cells", r.cells().size()).put("ratios", json.path("ratios")).print();
    }

    private static Dataset slice(Dataset d, int from, int n) {
        double[] v = Arrays.copyOfRange(d.values(), from * d.dim(), (from + n) * d.dim());
        return new Dataset(d.source(), v, n, d.dim(), d.sha256() + ":" + from);
    }
}
