package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.launcher.cli.Args;
import dev.pfgm.launcher.cli.Command;
import dev.pfgm.launcher.cli.ProgressBar;
import dev.pfgm.launcher.cli.Summary;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** ./pfgm bench-likelihood: how far each method's held-out NLL is from the truth, and why. */
public final class LikelihoodBenchCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "bench-likelihood";
    }

    @Override
    public String summary() {
        return "held-out NLL against the true density, per method and budget, with the gap taken apart";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm bench-likelihood --data builtin:ring8|builtin:mixture6 [--steps 5000,20000,80000]",
                "                               [--methods pfgm,pfgmpp:128,diffusion] [--count C] [--train-seed S]",
                "                               [--config FILE.json] [--rows R] [--out docs/likelihood]",
                "  trains each method at each budget (models in OUT/NAME/models, reused when trained on the same",
                "  data with the same settings) and compares its NLL on C fresh points (default 2000) with the",
                "  true density's, exact divergence, RK45 at 1e-5; at the largest budget it takes the gap apart:",
                "  the solver (1e-7), one Hutchinson probe against exact, the prior (KL of the data's law at z_max",
                "  to the prior), the truncation at z_min and the charge jitter (Monte Carlo), and the rest (the",
                "  network, split into its error on C training points and the rest: what finite data cost).",
                "  --config: training settings for every method (not aug_dim, steps or seed); --rows R: train on R",
                "  fresh rows of the set's law instead of its 20,000",
                "  writes OUT/NAME/{table.md, results.json}; the last stdout line is JSON");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("data", "steps", "methods", "count", "train-seed", "config", "out", "rows"),
                Set.of());
        String data = a.required("data");
        if (!BuiltinData.isBuiltin(data) || BuiltinData.density(data) == null) {
            throw new InvalidInputException("--data: '" + data + "' has no known density; use builtin:ring8 or"
                    + " builtin:mixture6");
        }
        List<Integer> budgets = a.integers("steps", "5000,20000,80000", 1, 10_000_000, "a step count");
        List<SamplingStudy.Method> methods = new ArrayList<>();
        for (String t : a.string("methods", "pfgm,pfgmpp:128,diffusion").split(",", -1)) {
            methods.add(SamplingStudy.Method.parse(t.trim()));
        }
        int count = a.integer("count", 2000, 10, 100_000);
        long trainSeed = a.seed("train-seed", 0);
        JsonNode extra = SamplingBenchCommand.config(a);
        Path outRoot = Path.of(a.string("out", "docs/likelihood")).toAbsolutePath();
        String setName = data.substring(BuiltinData.PREFIX.length());

        int rows = a.integer("rows", 0, 0, 10_000_000);
        // --rows: fresh training rows of the same law (seed 3; the held-out points are seed 1, the reference seed 2)
        Dataset train = rows == 0 ? BuiltinData.load(data) : BuiltinData.fresh(data, rows, 3);
        Dataset held = BuiltinData.fresh(data, count, 1);
        Dataset reference = BuiltinData.fresh(data, LikelihoodStudy.REFERENCE, 2);
        Path dir = Files.createDirectories(outRoot.resolve(setName));
        Path models = Files.createDirectories(dir.resolve("models"));
        LikelihoodStudy.Options o = new LikelihoodStudy.Options(methods, budgets, trainSeed, extra, count);
        ProgressBar bar = new ProgressBar(name());
        LikelihoodStudy.Result r;
        try {
            r = LikelihoodStudy.run(setName, train, held, reference, BuiltinData.density(data), o, models, bar::update);
        } finally {
            bar.close();
        }
        ObjectNode json = JSON.createObjectNode();
        String md = LikelihoodStudy.markdown(r, o, "./pfgm bench-likelihood " + String.join(" ", argv), json);
        DataFiles.writeAtomically(dir.resolve("table.md"), out -> out.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] results = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        DataFiles.writeAtomically(dir.resolve("results.json"), out -> out.write(results));
        new Summary().put("data", data).put("dir", dir.toString()).put("true_nll", r.trueNll())
                .put("rows", json.path("rows")).print();
    }
}
