package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.StrictJson;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm synthesize: a bulk synthesis into a folder of parts and a manifest, resumable. */
@Command(name = "synthesize", description = "bulk synthesis: N rows or images as part files + manifest.json, resumable",
        footer = {"Writes DIR/part-00000.EXT ... and DIR/manifest.json (per part: first row, rows, bytes, sha256);",
            "row i depends on (model, seed, i) only, so any shard size gives the same rows. Tables: npy (float32",
            "[rows, d]), csv (header: the training data's column names), parquet (a float column per data",
            "column); images: npy (uint8 [n, c, h, w]) or png-tar (WebDataset: 000000123.png, and .cls for a",
            "class); classes and log densities travel as label and log_density columns, or",
            "part-00000.labels.npy / .log_density.npy beside npy parts."})
public final class SynthesizeCommand extends CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOption modelFile;

    @Option(names = "--count", required = true, paramLabel = "N", description = "rows (or images) to deliver")
    long count;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder (created if missing)")
    Path outPath;

    @Option(names = "--seed", paramLabel = "S", description = "the random seed (default 0)")
    Long seed;

    @Option(names = "--shard-size", paramLabel = "K",
            description = "rows per part (default: about 45 s of sampling on a 2-core machine)")
    Long shardSize;

    @Option(names = "--format", paramLabel = "npy|csv|parquet|png-tar", description = "the parts' format")
    String format;

    @Mixin
    SolverOptions solver;

    @Option(names = "--classes", paramLabel = "data|balanced|C:N,C:N",
            description = "class-conditional models: the training shares (default), balanced, or exact counts (or a"
                    + " JSON object) adding up to N; each exact, shuffled through the rows")
    String classes;

    @Option(names = "--guidance", paramLabel = "W", description = "classifier-free guidance (default 1)")
    Double guidance;

    @Option(names = "--log-density",
            description = "each row's log density under the model, integrated along its sampling path")
    boolean logDensity;

    @Option(names = "--estimator", paramLabel = "exact|hutchinson", description = "the log density's divergence")
    String estimator;

    @Option(names = "--probes", paramLabel = "K", description = "Hutchinson probes per row")
    Integer probes;

    @Option(names = "--min-log-density-quantile", paramLabel = "Q",
            description = "drop rows whose log density is below the Q-quantile of the training data's (read from"
                    + " --data), sampling on so that exactly N rows remain")
    Double minLogDensityQuantile;

    @Option(names = "--data", paramLabel = "TRAIN",
            description = "the training data the filter and the report compare with (default: the path the model"
                    + " recorded)")
    String dataOption;

    @Option(names = "--report", negatable = true,
            description = "DIR/report.json (default for tables): quality against the training data (per-column KS,"
                    + " correlation difference, sliced W1) and privacy (distance to the closest training row, exact"
                    + " copies), each beside rows the model never saw and a Gaussian fit")
    Boolean report;

    @Option(names = "--holdout", paramLabel = "FILE",
            description = "rows the model never saw, for the report (default: the split a table model was trained"
                    + " without)")
    String holdout;

    @Mixin
    ClassifierOption classifierOption;

    @Option(names = "--resume",
            description = "keep the parts of an earlier run into DIR whose files still match their sha256 and draw"
                    + " the rest (the same bytes as an uninterrupted run)")
    boolean resume;

    @Override
    protected void run() throws Exception {
        Path out = Check.outputFolder("--out", outPath);
        ObjectNode params = params();
        String[][] inputs = {{"--model", modelFile.path.toString()}, {"--data", dataOption}, {"--holdout", holdout},
            {"--classifier", classifierOption.given() ? classifierOption.path.toString() : null}};
        DistinctFiles.notInFolderAs(inputs, out, LocalSynthesis::writes, "--out", "the output folder");
        byte[] modelBytes = ModelFile.readBytes(modelFile.path, "--model");
        PfgmModel model = ModelFile.read(modelBytes, "--model '" + modelFile.path + "'");
        if (dataOption == null) { // the training data the model recorded, read for the filter and the report
            DistinctFiles.notInFolderAs(new String[][] {{"the model's recorded data", model.provenance().dataSource()}},
                    out, LocalSynthesis::writes, "--out", "the output folder");
        }
        SynthesisSpec spec;
        try {
            spec = SynthesisSpec.parse(params, ModelDescription.facts(model));
        } catch (SpecException e) {
            throw new InvalidInputException("--" + flag(e.field()) + ": " + e.problem());
        }
        ObjectNode modelInfo = describe(model, modelFile.path, DataFiles.sha256(modelBytes));

        boolean existed = Files.isDirectory(out);
        boolean fresh = !existed || holdsNothing(out);
        ProgressBar bar = new ProgressBar("synth");
        Double threshold = null;
        LocalSynthesis.Result r;
        try {
            if (spec.filterQuantile() != null) {
                String source = dataOption != null ? dataOption : model.provenance().dataSource();
                ImageFiles.Loaded training = training(model, source, dataOption != null);
                threshold = DensityThreshold.of(model, training, spec,
                        f -> bar.update(0, String.format(Locale.ROOT, "filter threshold %.0f%%", 100 * f)));
            }
            LocalSynthesis.Reporter reporter = spec.report() ? reporter(model, spec) : null;
            r = LocalSynthesis.run(model, modelInfo, spec, threshold, out, resume, reporter,
                    (rows, count) -> bar.update(rows / count, String.format(Locale.ROOT, "%,.0f/%,d rows", rows, count)));
        } catch (InvalidInputException e) {
            // a refusal a resume would meet again (a filter that cannot keep N rows, samples past float32):
            // what this run wrote into a folder that held nothing would only block the corrected retry
            if (fresh) {
                removeWritten(out, existed);
            }
            throw e;
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
    private LocalSynthesis.Reporter reporter(PfgmModel model, SynthesisSpec spec) {
        String source = dataOption != null ? dataOption : model.provenance().dataSource();
        // the files the user named are read and matched to the model now, before any part is drawn
        ImageFiles.Loaded given = dataOption != null ? SynthesisReport.fits(model, read(model, dataOption), "--data") : null;
        ImageFiles.Loaded heldOut = holdout != null
                ? SynthesisReport.heldOut(model, ImageFiles.load(holdout, null, "--holdout", null), "--holdout") : null;
        ClassifierModel classifier = classifierOption.read();
        if (classifier != null && !model.isImage()) {
            throw new InvalidInputException("--classifier: the report judges images with a classifier; this is a table model");
        }
        if (classifier != null) { // checked after the sampling, it was an exception there
            classifier.checkTakes(model.image().channels(), model.image().height(), model.image().width(), "--classifier",
                    "the model's");
        }
        return sample -> {
            ImageFiles.Loaded training = given;
            String problem = null;
            if (training == null) {
                try {
                    training = SynthesisReport.fits(model, read(model, source), "--data");
                } catch (InvalidInputException e) {
                    problem = "the model's recorded source '" + source + "' cannot be read (" + e.getMessage()
                            + "); give it with --data";
                }
                if (training != null && ModelOption.notTrainedOn(model, training)) {
                    training = null;
                    problem = ModelOption.notTrainedOnMessage(model, "--data");
                }
            }
            return SynthesisReport.build(model, sample, spec.classes() != null, spec.logDensity(), training, problem,
                    heldOut, classifier);
        };
    }

    private static boolean holdsNothing(Path folder) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }

    /** Deletes the synthesis files in {@code out}, and the folder when this run made it. */
    private static void removeWritten(Path out, boolean existed) throws java.io.IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> LocalSynthesis.writes(f.getFileName().toString())).toList()) {
                Files.deleteIfExists(f);
            }
        }
        if (!existed && holdsNothing(out)) {
            Files.delete(out);
        }
    }

    /** The flags that are synthesis parameters, as the job's params object (the synthesis checks them). */
    private ObjectNode params() {
        ObjectNode p = JSON.createObjectNode().put("count", count);
        if (seed != null) {
            p.put("seed", seed);
        }
        if (shardSize != null) {
            p.put("shard_size", shardSize);
        }
        if (format != null) {
            p.put("format", format.trim());
        }
        solver.putInto(p);
        if (classes != null) {
            p.set("classes", classes(classes.trim()));
        }
        if (guidance != null) {
            p.put("guidance", guidance);
        }
        if (estimator != null) {
            p.put("estimator", estimator.trim());
        }
        if (probes != null) {
            p.put("probes", probes);
        }
        if (logDensity) {
            p.put("log_density", true);
        }
        if (minLogDensityQuantile != null) {
            p.putObject("filter").put("min_log_density_quantile", minLogDensityQuantile);
        }
        if (report != null) {
            p.put("report", report);
        }
        return p;
    }

    /** data, balanced, a JSON object, or C:N,C:N. */
    private static JsonNode classes(String v) {
        if (v.startsWith("{")) { // strict as --config: a class twice kept the last, trailing text was ignored
            return StrictJson.object(v.getBytes(java.nio.charset.StandardCharsets.UTF_8), "--classes");
        }
        if (!v.contains(":")) {
            return JSON.getNodeFactory().textNode(v);
        }
        ObjectNode o = JSON.createObjectNode();
        for (String pair : v.split(",", -1)) { // -1: a trailing comma is an empty pair, not nothing
            String[] kv = pair.split(":");
            // at most 18 digits: a count past a long was a NumberFormatException; --count bounds it anyway
            if (kv.length != 2 || !kv[1].trim().matches("\\d{1,18}")) {
                throw new InvalidInputException("--classes: '" + pair + "' is not CLASS:COUNT (a count of at most 18"
                        + " digits)");
            }
            if (o.has(kv[0].trim())) {
                throw new InvalidInputException("--classes: class " + kv[0].trim() + " is given twice");
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

    /** {@code l} when it holds what the model draws (images of its shape, or rows of its width). */
    private static ImageFiles.Loaded training(PfgmModel model, String source, boolean given) {
        ImageFiles.Loaded l;
        try {
            l = read(model, source);
        } catch (InvalidInputException e) {
            if (given) {
                throw e;
            }
            throw new InvalidInputException("--min-log-density-quantile: the filter needs the training data, and the"
                    + " model's recorded source '" + source + "' cannot be read (" + e.getMessage() + "); give it with"
                    + " --data");
        }
        if (!given && ModelOption.notTrainedOn(model, l)) {
            throw new InvalidInputException("--min-log-density-quantile: the filter needs the training data, and "
                    + ModelOption.notTrainedOnMessage(model, "--data"));
        }
        return l;
    }
}
