package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.Labels;
import dev.pfgm.shared.synthesis.SpecException;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import dev.pfgm.synthesis.DensityThreshold;
import dev.pfgm.synthesis.LocalSynthesis;
import dev.pfgm.synthesis.ModelDescription;
import dev.pfgm.synthesis.SynthesisReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** ./pfgm synthesize: a bulk synthesis into a folder of parts and a manifest, resumable. */
public final class SynthesizeCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Flag -> parameter key, for the options that are parameters of the synthesis. */
    private static final Map<String, String> PARAMS = Map.ofEntries(Map.entry("count", "count"),
            Map.entry("seed", "seed"), Map.entry("shard-size", "shard_size"), Map.entry("format", "format"),
            Map.entry("solver", "solver"), Map.entry("rtol", "rtol"), Map.entry("atol", "atol"),
            Map.entry("steps", "steps"), Map.entry("classes", "classes"), Map.entry("guidance", "guidance"),
            Map.entry("estimator", "estimator"), Map.entry("probes", "probes"));
    private static final Set<String> NUMBERS = Set.of("count", "seed", "shard-size", "rtol", "atol", "steps",
            "guidance", "probes");

    @Override
    public String name() {
        return "synthesize";
    }

    @Override
    public String summary() {
        return "bulk synthesis: N rows or images as part files + manifest.json, resumable";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm synthesize --model MODEL --count N --out DIR [--seed S] [--shard-size K]",
                "                         [--format npy|csv|parquet|png-tar]",
                "                         [--solver rk45|heun|euler|edm|euler-maruyama|edm-churn|euler-maruyama-geometric]",
                "                         [--rtol R] [--atol A] [--steps K] [--classes data|balanced|C:N,C:N]",
                "                         [--guidance W] [--log-density] [--estimator exact|hutchinson]",
                "                         [--probes K] [--min-log-density-quantile Q] [--data TRAIN]",
                "                         [--report | --no-report] [--holdout FILE] [--classifier C] [--resume]",
                "  writes DIR/part-00000.EXT ... and DIR/manifest.json (per part: first row, rows, bytes, sha256);",
                "  row i depends on (model, seed, i) only, so any shard size gives the same rows",
                "  tables: npy (float32 [rows, d]), csv (header: the training data's column names), parquet",
                "  (a float column per data column); images: npy (uint8 [n, c, h, w]) or png-tar (WebDataset:",
                "  000000123.png, and .cls for a class); classes and log densities travel as label and",
                "  log_density columns, or part-00000.labels.npy / .log_density.npy beside npy parts",
                "  --shard-size: rows per part (default: about 45 s of sampling on a 2-core machine)",
                "  --classes (class-conditional models): data (the training shares, default), balanced, or",
                "  exact counts C:N,C:N (or a JSON object) adding up to N; each exact, shuffled through the rows",
                "  --log-density: each row's log density under the model, integrated along its sampling path",
                "  --min-log-density-quantile Q: drop rows whose log density is below the Q-quantile of the",
                "  training data's (read from --data, default the path the model recorded), sampling on so",
                "  that exactly N rows remain",
                "  --report (default for tables): DIR/report.json, quality against the training data (per-column",
                "  KS, correlation difference, sliced W1) and privacy (distance to the closest training row,",
                "  exact copies), each beside rows the model never saw (--holdout FILE, or the split a table",
                "  model was trained without) and a Gaussian fit; images: --classifier C adds the eval's figures",
                "  --resume: keep the parts of an earlier run into DIR whose files still match their sha256",
                "  and draw the rest (the same bytes as an uninterrupted run)");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Set<String> options = new java.util.HashSet<>(PARAMS.keySet());
        options.addAll(Set.of("model", "out", "min-log-density-quantile", "data", "holdout", "classifier"));
        Args a = Args.parse("synthesize", argv, options, Set.of("log-density", "report", "no-report", "resume"));
        Path modelPath = Path.of(a.required("model"));
        a.required("count");
        Path out = Path.of(a.required("out")).toAbsolutePath();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException("--out: '" + out + "' is a file; give a folder (it is created if missing)");
        }
        if (a.flag("report") && a.flag("no-report")) {
            throw new InvalidInputException("synthesize: give --report or --no-report, not both");
        }
        ObjectNode params = params(a);
        byte[] modelBytes = DataFiles.readBytes(modelPath, "--model");
        PfgmModel model = ModelFile.read(modelBytes, "--model '" + modelPath + "'");
        SynthesisSpec spec;
        try {
            spec = SynthesisSpec.parse(params, ModelDescription.facts(model));
        } catch (SpecException e) {
            throw new InvalidInputException("--" + flag(e.field()) + ": " + e.problem());
        }
        ObjectNode modelInfo = describe(model, modelPath, DataFiles.sha256(modelBytes));

        ProgressBar bar = new ProgressBar("synth");
        Double threshold = null;
        LocalSynthesis.Result r;
        try {
            if (spec.filterQuantile() != null) {
                String source = a.string("data", model.provenance().dataSource());
                ImageFiles.Loaded training = training(model, source, a.has("data"));
                threshold = DensityThreshold.of(model, training, spec,
                        f -> bar.update(0, String.format(Locale.ROOT, "filter threshold %.0f%%", 100 * f)));
            }
            LocalSynthesis.Reporter reporter = spec.report() ? reporter(a, model, spec) : null;
            r = LocalSynthesis.run(model, modelInfo, spec, threshold, out, a.flag("resume"), reporter,
                    (rows, count) -> bar.update(rows / count, String.format(Locale.ROOT, "%,.0f/%,d rows", rows, count)));
        } finally {
            bar.close();
        }
        JsonNode totals = r.manifest().path("totals");
        Summary s = new Summary().put("out", out.toString()).put("manifest", out.resolve(LocalSynthesis.MANIFEST).toString())
                .put("count", spec.count()).put("parts", totals.path("parts").asInt())
                .put("kept_parts", r.keptParts()).put("drawn_parts", r.drawnParts())
                .put("bytes", totals.path("bytes").asLong()).put("format", spec.format().wireName())
                .put("shard_size", spec.shardSize()).put("nfe", totals.path("nfe").asDouble())
                .put("seconds", TrainCommand.round(r.seconds()))
                .put("rows_per_second", r.drawnRows() / Math.max(1e-9, r.seconds()));
        if (threshold != null) {
            s.put("threshold", threshold).put("candidates", totals.path("candidates").asLong());
        }
        if (Files.exists(out.resolve(LocalSynthesis.REPORT))) {
            s.put("report", out.resolve(LocalSynthesis.REPORT).toString());
        }
        s.print();
    }

    /**
     * report.json from the sample of the delivered rows: against the training data (--data, or the
     * source the model recorded; when neither reads, the report says so), rows held out (--holdout,
     * or a table model's recorded holdout) and, for images, a classifier (--classifier).
     */
    private static LocalSynthesis.Reporter reporter(Args a, PfgmModel model, SynthesisSpec spec) {
        String source = a.string("data", model.provenance().dataSource());
        ImageFiles.Loaded heldOut = a.has("holdout") ? ImageFiles.load(a.string("holdout", ""), null, "--holdout", null) : null;
        ClassifierModel classifier = a.has("classifier") ? ClassifierModel.read(DataFiles.readBytes(
                Path.of(a.string("classifier", "")), "--classifier"), "--classifier") : null;
        if (classifier != null && !model.isImage()) {
            throw new InvalidInputException("--classifier: the report judges images with a classifier; this is a table model");
        }
        return sample -> {
            ImageFiles.Loaded training = null;
            String problem = null;
            try {
                training = read(model, source);
            } catch (InvalidInputException e) {
                if (a.has("data")) {
                    throw e;
                }
                problem = "the model's recorded source '" + source + "' cannot be read (" + e.getMessage()
                        + "); give it with --data";
            }
            return SynthesisReport.build(model, sample, spec.classes() != null, spec.logDensity(), training, problem,
                    heldOut, classifier);
        };
    }

    /** The flags that are synthesis parameters, as the job's params object. */
    private static ObjectNode params(Args a) {
        ObjectNode p = JSON.createObjectNode();
        for (Map.Entry<String, String> e : PARAMS.entrySet()) {
            if (!a.has(e.getKey())) {
                continue;
            }
            String v = a.string(e.getKey(), "").trim();
            if (e.getKey().equals("classes")) {
                p.set("classes", classes(v));
            } else if (NUMBERS.contains(e.getKey())) {
                p.set(e.getValue(), number(e.getKey(), v));
            } else {
                p.put(e.getValue(), v);
            }
        }
        if (a.flag("log-density")) {
            p.put("log_density", true);
        }
        if (a.has("min-log-density-quantile")) {
            p.putObject("filter").set("min_log_density_quantile", number("min-log-density-quantile",
                    a.string("min-log-density-quantile", "")));
        }
        if (a.flag("report") || a.flag("no-report")) {
            p.put("report", a.flag("report"));
        }
        return p;
    }

    private static JsonNode number(String flag, String v) {
        try {
            if (v.matches("[+-]?\\d+")) {
                return JSON.getNodeFactory().numberNode(Long.parseLong(v));
            }
            return JSON.getNodeFactory().numberNode(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + flag + ": '" + v + "' is not a number");
        }
    }

    /** data, balanced, a JSON object, or C:N,C:N. */
    private static JsonNode classes(String v) {
        if (v.startsWith("{")) {
            try {
                return JSON.readTree(v);
            } catch (java.io.IOException e) {
                throw new InvalidInputException("--classes: '" + v + "' is not a JSON object of counts");
            }
        }
        if (!v.contains(":")) {
            return JSON.getNodeFactory().textNode(v);
        }
        ObjectNode o = JSON.createObjectNode();
        for (String pair : v.split(",")) {
            String[] kv = pair.split(":");
            if (kv.length != 2 || !kv[1].trim().matches("\\d+")) {
                throw new InvalidInputException("--classes: '" + pair + "' is not CLASS:COUNT");
            }
            o.put(kv[0].trim(), Long.parseLong(kv[1].trim()));
        }
        return o;
    }

    /** The flag of a parameter key. */
    private static String flag(String field) {
        if (field.startsWith("filter")) {
            return "min-log-density-quantile";
        }
        return field.replace('_', '-');
    }

    private static ObjectNode describe(PfgmModel model, Path path, String sha256) {
        ObjectNode m = JSON.createObjectNode().put("path", path.toAbsolutePath().toString());
        m.setAll(ModelDescription.manifestEntry(model, sha256));
        m.put("data_source", model.provenance().dataSource());
        return m;
    }

    /** The training data, its label column (a conditional table model's) taken out as when it trained. */
    private static ImageFiles.Loaded read(PfgmModel model, String source) {
        ImageFiles.Loaded l = ImageFiles.load(source, null, "--data", null);
        if (l.isImages() || model.labelColumn() == null) {
            return l;
        }
        Labels.Split split = Labels.split(l.table(), model.labelColumn(), "--data");
        return new ImageFiles.Loaded(split.features(), null, split.labels());
    }

    private static ImageFiles.Loaded training(PfgmModel model, String source, boolean given) {
        try {
            return read(model, source);
        } catch (InvalidInputException e) {
            if (given) {
                throw e;
            }
            throw new InvalidInputException("--min-log-density-quantile: the filter needs the training data, and the"
                    + " model's recorded source '" + source + "' cannot be read (" + e.getMessage() + "); give it with"
                    + " --data");
        }
    }
}
