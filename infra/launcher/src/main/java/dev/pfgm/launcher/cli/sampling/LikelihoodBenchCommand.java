package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.launcher.cli.Check;
import dev.pfgm.launcher.cli.CliCommand;
import dev.pfgm.launcher.cli.ProgressBar;
import dev.pfgm.launcher.cli.Summary;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm bench-likelihood: how far each method's held-out NLL is from the truth, and why. */
@Command(name = "bench-likelihood",
        description = "held-out NLL against the true density, per method and budget, with the gap taken apart",
        footer = {"Trains each method at each budget (models in OUT/NAME/models, reused when trained on the same",
            "data with the same settings) and compares its NLL on C fresh points with the true density's, exact",
            "divergence, RK45 at 1e-5; at the largest budget it takes the gap apart: the solver (1e-7), one",
            "Hutchinson probe against exact, the prior (KL of the data's law at z_max to the prior), the",
            "truncation at z_min and the charge jitter (Monte Carlo), and the rest (the network, split into its",
            "error on C training points and the rest: what finite data cost). Writes OUT/NAME/{table.md,",
            "results.json} (OUT default docs/likelihood); the last stdout line is JSON."})
public final class LikelihoodBenchCommand extends CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--data", required = true, paramLabel = "builtin:ring8|builtin:mixture6",
            description = "a builtin set with a known density")
    String data;

    @Option(names = "--steps", paramLabel = "N,N", description = "training budgets (default 5000,20000,80000)")
    String steps = "5000,20000,80000";

    @Mixin
    StudyOptions study;

    @Option(names = "--count", paramLabel = "C", description = "fresh points scored, 10..100,000 (default 2000)")
    int count = 2000;

    @Option(names = "--rows", paramLabel = "R",
            description = "train on R fresh rows of the set's law instead of its 20,000")
    int rows;

    @Override
    protected void run() throws Exception {
        if (!BuiltinData.isBuiltin(data) || BuiltinData.density(data) == null) {
            throw new InvalidInputException("--data: '" + data + "' has no known density; use builtin:ring8 or"
                    + " builtin:mixture6");
        }
        List<Integer> budgets = Check.integers("--steps", steps, 1, 10_000_000, "a step count");
        List<SamplingStudy.Method> methods = study.methods("pfgm,pfgmpp:128,diffusion");
        Check.range("--count", count, 10, 100_000);
        long trainSeed = study.trainSeed();
        JsonNode extra = study.config();
        Path outRoot = study.out("docs/likelihood");
        String setName = data.substring(BuiltinData.PREFIX.length());

        Check.range("--rows", rows, 0, 10_000_000);
        // --rows: fresh training rows of the same law (seed 3; the held-out points are seed 1, the reference seed 2)
        Dataset train = rows == 0 ? BuiltinData.load(data) : BuiltinData.fresh(data, rows, 3);
        Dataset held = BuiltinData.fresh(data, count, 1);
        Dataset reference = BuiltinData.fresh(data, LikelihoodStudy.REFERENCE, 2);
        Path dir = outRoot.resolve(setName);
        Path models = DataFiles.createFolder(dir.resolve("models"), "--out");
        LikelihoodStudy.Options o = new LikelihoodStudy.Options(methods, budgets, trainSeed, extra, count);
        ProgressBar bar = new ProgressBar("bench-likelihood");
        LikelihoodStudy.Result r;
        try {
            r = LikelihoodStudy.run(setName, train, held, reference, BuiltinData.density(data), o, models, bar::update);
        } finally {
            bar.close();
        }
        ObjectNode json = JSON.createObjectNode();
        String md = LikelihoodStudy.markdown(r, o, StudyOptions.commandLine(spec), json);
        DataFiles.writeAtomically(dir.resolve("table.md"), out -> out.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] results = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        DataFiles.writeAtomically(dir.resolve("results.json"), out -> out.write(results));
        new Summary().put("data", data).put("dir", dir.toString()).put("true_nll", r.trueNll())
                .put("rows", json.path("rows")).print();
    }
}
