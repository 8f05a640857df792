package dev.pfgm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.Checkpoint;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.synthesis.PartLayout;
import dev.pfgm.synthesis.TableCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one claimed attempt of a job: fetches its inputs, runs the engine with progress and
 * cancellation checks, writes every output under the attempt's own keys, and only then commits
 * the result and `succeeded` in one guarded UPDATE.
 */
record JobRunner(ObjectStore objects, JobFiles files, SynthesisRunner synthesis, AnalysisRunner analysis, Path scratch) {
    /** The share of a table's rows a train job keeps out of training by default. */
    static final double SERVICE_HOLDOUT = 0.1;
    /** PFGM++'s extra dimensions for a class-conditional image model when the job does not set aug_dim. */
    static final int CONDITIONAL_AUG_DIM = 128;

    /**
     * What an attempt produced: the result to commit, and the model row for a train job. A null
     * result: the job goes on without this worker (a synthesis whose shards were queued).
     */
    record Outcome(ObjectNode result, ObjectNode finalProgress, JobStore.NewModel model) {
    }

    Outcome run(JobRecord job, ProgressReporter progress) throws IOException {
        Path dir = Files.createDirectories(scratch.resolve(job.id() + "-" + job.attempt()));
        try {
            return switch (job.type()) {
                case TRAIN -> train(job, dir, progress);
                case GENERATE -> generate(job, dir, progress);
                case LIKELIHOOD -> likelihood(job, dir, progress);
                case SYNTHESIZE -> synthesis.run(job, dir, progress);
                case ENCODE, DECODE -> analysis.map(job, dir, progress);
                case INTERPOLATE -> analysis.interpolate(job, dir, progress);
                case CLASSIFIER -> analysis.classifier(job, dir, progress);
                case EVAL -> analysis.eval(job, dir, progress);
            };
        } finally {
            JobFiles.deleteTree(dir);
        }
    }

    private Outcome train(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading dataset");
        JobFiles.Fetched fetched = files.fetch(job.tenant(), job.dataset(), dir);
        ImageFiles.Loaded loaded = fetched.data();
        if (loaded.isImages()) {
            return trainImages(job, loaded.images(), dir, progress);
        }
        Dataset data = loaded.table();
        if (data.count() < 2) {
            throw new InvalidInputException("dataset has " + data.count() + " row; training needs at least 2");
        }
        // a train job keeps a tenth of a table's rows out of training unless it says otherwise: its
        // synthesis reports compare with rows the model never saw
        TrainSettings settings = TrainSettings.defaults().with(Json.object().put("holdout", SERVICE_HOLDOUT), "service")
                .with(job.params(), "params");
        int[] labels = loaded.labels();
        progress.log(String.format(Locale.ROOT, "training on %d points x %d columns for %d steps%s", data.count(),
                data.dim(), settings.steps(), labels == null ? "" : ", conditional on their class"));
        PfgmModel model = Trainer.train(data, labels, settings, new LossReporter(progress));
        if (labels != null) {
            model = model.withLabelColumn(fetched.labelColumn());
        }
        Path modelFile = dir.resolve("model.pfgm");
        ModelFile.write(model, modelFile);
        Path lossFile = writeLosses(model, dir);

        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        String modelKey = files.upload(job, progress, modelFile, "model.pfgm", "application/zip", artifacts);
        files.upload(job, progress, lossFile, "loss.csv", "text/csv", artifacts);

        UUID modelId = UUID.randomUUID();
        double seconds = model.provenance().trainSeconds();
        ObjectNode metrics = Json.object().put("final_loss", model.provenance().finalLoss()).put("seconds", seconds)
                .put("steps", model.settings().steps()).put("count", data.count()).put("dim", data.dim())
                .put("classes", model.classes()).put("data_sha256", data.sha256());
        ObjectNode result = Json.object().put("model", modelId.toString()).put("steps", model.settings().steps())
                .put("final_loss", model.provenance().finalLoss()).put("seconds", seconds);
        result.set("artifacts", artifacts);
        JobStore.NewModel row = new JobStore.NewModel(modelId, job.tenant(), job.dataset(), data.dim(),
                model.settings().toJson(), metrics, modelKey);
        return new Outcome(result, progress.done(model.settings().steps(), "trained"), row);
    }

    /**
     * Image training: checkpoints go to one key per job (not per attempt), so a retried attempt
     * resumes where the last checkpoint left off; preview grids are uploaded as they are made.
     */
    private Outcome trainImages(JobRecord job, ImageSet data, Path dir, ProgressReporter progress) throws IOException {
        TrainSettings base = TrainSettings.imageDefaults();
        if (data.labels() != null) {
            // labelled images train a class-conditional model, which needs PFGM++: D = 128 at EDM's
            // learning rate (README, class-conditional models) unless the job says otherwise
            base = base.with(Json.object().put("aug_dim", CONDITIONAL_AUG_DIM).put("lr", 1e-3), "service");
        }
        TrainSettings settings = base.with(job.params(), "params");
        String ckptKey = "jobs/" + job.id() + "/checkpoint.ckpt";
        Checkpoint resume = null;
        if (objects.list(ckptKey).contains(ckptKey)) {
            Path f = dir.resolve("resume.ckpt");
            objects.get(ckptKey, f);
            resume = Checkpoint.read(Files.readAllBytes(f), "checkpoint of job " + job.id());
            progress.log("resuming from the checkpoint at step " + resume.step());
        }
        progress.log(String.format(Locale.ROOT, "training a U-Net on %d images of %dx%dx%d for %d steps", data.count(),
                data.channels(), data.height(), data.width(), settings.steps()));
        LossReporter reporter = new LossReporter(progress);
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        if (resume != null) {
            carryEarlierPreviews(job, resume.step(), dir, progress, artifacts);
        }
        ImageTrainer.Start start = ImageTrainer.prepare(data, settings, resume, null, data.labels() != null, 0);
        PfgmModel model = ImageTrainer.train(start, new ImageTrainer.Listener() {
            @Override
            public void onStep(int step, int total, double loss) {
                reporter.onStep(step, total, loss);
            }

            @Override
            public void onCheckpoint(int step, Checkpoint checkpoint) {
                try {
                    Path f = dir.resolve("checkpoint.ckpt");
                    Files.write(f, checkpoint.toBytes());
                    objects.put(ckptKey, f, "application/zip");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void onPreview(int step, byte[] png) {
                try {
                    String name = String.format(Locale.ROOT, "preview-%07d.png", step);
                    Path f = dir.resolve(name);
                    Files.write(f, png);
                    files.upload(job, progress, f, name, "image/png", artifacts);
                    progress.preview(name, step, settings.steps());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        Path modelFile = dir.resolve("model.pfgm");
        ModelFile.write(model, modelFile);
        Path lossFile = writeLosses(model, dir);
        String modelKey = files.upload(job, progress, modelFile, "model.pfgm", "application/zip", artifacts);
        files.upload(job, progress, lossFile, "loss.csv", "text/csv", artifacts);
        UUID modelId = UUID.randomUUID();
        double seconds = model.provenance().trainSeconds();
        ImageMeta im = model.image();
        ObjectNode metrics = Json.object().put("final_loss", model.provenance().finalLoss()).put("seconds", seconds)
                .put("steps", model.settings().steps()).put("count", data.count()).put("dim", data.dim())
                .put("shape", im.shape()).put("classes", im.classes()).put("data_sha256", data.sha256());
        ObjectNode result = Json.object().put("model", modelId.toString()).put("steps", model.settings().steps())
                .put("final_loss", model.provenance().finalLoss()).put("seconds", seconds).put("shape", im.shape())
                .put("resumed_from_step", resume == null ? 0 : resume.step());
        result.set("artifacts", artifacts);
        JobStore.NewModel row = new JobStore.NewModel(modelId, job.tenant(), job.dataset(), data.dim(),
                model.settings().toJson(), metrics, modelKey);
        return new Outcome(result, progress.done(model.settings().steps(), "trained"), row);
    }

    private static final Pattern PREVIEW_KEY = Pattern.compile(".*/attempt-(\\d+)/preview-(\\d+)\\.png");

    /**
     * A resumed attempt lists the preview grids earlier attempts drew up to its checkpoint (the
     * training it continues), so the finished job shows the whole run; where two attempts drew the
     * same step, the later one's grid counts. Grids past the checkpoint are drawn again.
     */
    private void carryEarlierPreviews(JobRecord job, int resumeStep, Path dir, ProgressReporter progress, ArrayNode artifacts)
            throws IOException {
        record Grid(int attempt, String key) {
        }
        TreeMap<Integer, Grid> byStep = new TreeMap<>();
        for (String key : objects.list("jobs/" + job.id() + "/attempt-")) {
            Matcher m = PREVIEW_KEY.matcher(key);
            if (m.matches()) {
                Grid g = new Grid(Integer.parseInt(m.group(1)), key);
                int step = Integer.parseInt(m.group(2));
                if (g.attempt() < job.attempt() && step <= resumeStep) {
                    byStep.merge(step, g, (a, b) -> a.attempt() > b.attempt() ? a : b);
                }
            }
        }
        for (Grid g : byStep.values()) {
            String name = g.key().substring(g.key().lastIndexOf('/') + 1);
            Path f = dir.resolve(name);
            objects.get(g.key(), f);
            JobFiles.listArtifact(artifacts, f, name, g.key(), "image/png");
        }
        if (!byStep.isEmpty()) {
            progress.log("listing " + byStep.size() + " preview grids of earlier attempts, steps " + byStep.firstKey()
                    + " to " + byStep.lastKey());
        }
    }

    private static Path writeLosses(PfgmModel model, Path dir) throws IOException {
        Path lossFile = dir.resolve("loss.csv");
        StringBuilder csv = new StringBuilder("step,loss\n");
        float[] losses = model.losses();
        for (int i = 0; i < losses.length; i++) {
            csv.append(i + 1).append(',').append(losses[i]).append('\n');
        }
        Files.writeString(lossFile, csv, StandardCharsets.UTF_8);
        return lossFile;
    }

    private Outcome generate(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading model");
        PfgmModel model = files.model(job.tenant(), job.modelId(), dir);
        JsonNode p = job.params();
        int count = p.path("count").asInt();
        long seed = p.path("seed").asLong(0);
        SolverSpec spec = AnalysisRunner.solver(p);
        long t0 = System.nanoTime();
        Guidance guidance = Guidance.forModel(model, p.has("class") ? p.get("class").asInt() : null,
                p.has("guidance") ? p.get("guidance").asDouble() : null, null);
        Sampler.Result r = new Sampler(model, guidance).sample(count, seed, spec,
                f -> progress.update(f * count, count, String.format(Locale.ROOT, "%d samples", count)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean csv = p.path("format").asText("npy").equals("csv");
        if (csv && model.isImage()) {
            throw new InvalidInputException("params.format: csv is for table models; an image model's samples are .npy");
        }
        Path out = dir.resolve("samples.npy");
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        if (model.isImage()) {
            ImageMeta im = model.image();
            DataFiles.writeNpy(out, r.samples(), new long[] {count, im.channels(), im.height(), im.width()});
            files.upload(job, progress, out, "samples.npy", "application/octet-stream", artifacts);
            Path grid = dir.resolve("grid.png");
            Files.write(grid, ImageGrid.samples(r.samples(), count, im.channels(), im.height(), im.width()));
            files.upload(job, progress, grid, "grid.png", "image/png", artifacts);
        } else if (csv) {
            Path table = dir.resolve("samples.csv");
            List<String> columns = PartLayout.of(model).columns();
            DataFiles.writeAtomically(table, o -> TableCsv.write(o, columns, r.samples(), r.count(), r.labels(), null));
            files.upload(job, progress, table, "samples.csv", "text/csv", artifacts);
        } else {
            DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
            files.upload(job, progress, out, "samples.npy", "application/octet-stream", artifacts);
        }
        progress.metric("nfe", r.meanNfe(), count);
        progress.log(String.format(Locale.ROOT, "%d samples in %.2f s, mean NFE %.1f", count, seconds, r.meanNfe()));
        ObjectNode result = Json.object().put("count", count).put("nfe", r.meanNfe()).put("seconds", seconds)
                .put("dim", r.dim()).put("solver", spec.name()).put("seed", seed);
        result.set("artifacts", artifacts);
        return new Outcome(result, progress.done(count, count + " samples"), null);
    }

    private Outcome likelihood(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading model and dataset");
        PfgmModel model = files.model(job.tenant(), job.modelId(), dir);
        ImageFiles.Loaded loaded = files.load(job.tenant(), job.dataset(), dir);
        JsonNode p = job.params();
        long seed = p.path("seed").asLong(0);
        if (model.isImage() != loaded.isImages()) {
            throw new InvalidInputException("dataset " + job.dataset() + " holds " + (loaded.isImages() ? "images" : "a table")
                    + " but model " + job.modelId() + " is " + (model.isImage() ? "an image model" : "a vector model"));
        }
        boolean eightBit = loaded.isImages() && loaded.images().eightBit();
        Dataset data = loaded.isImages() ? ImageData.dequantised(loaded.images(), seed) : loaded.table();
        model.checkDimension(data, "dataset");
        String estimator = p.path("estimator").asText(Likelihood.defaultExact(data.dim()) && !model.isImage()
                ? "exact" : "hutchinson");
        if (model.isImage() && estimator.equals("exact")) {
            throw new InvalidInputException("params.estimator: image models give Hutchinson estimates only");
        }
        int probes = estimator.equals("exact") ? 0 : p.path("probes").asInt(1);
        double rtol = p.path("rtol").asDouble(SolverSpec.DEFAULT_TOLERANCE);
        double atol = p.path("atol").asDouble(SolverSpec.DEFAULT_TOLERANCE);
        Likelihood.Result r = new Likelihood(model).nll(data, probes, seed, rtol, atol,
                f -> progress.update(f * data.count(), data.count(),
                        String.format(Locale.ROOT, "%d points", data.count())));
        float[] values = new float[r.values().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.values()[i];
        }
        Path out = dir.resolve("nll.npy");
        DataFiles.writeNpy(out, values, values.length, 1);
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        files.upload(job, progress, out, "nll.npy", "application/octet-stream", artifacts);
        double mean = r.mean();
        progress.metric("mean_nll_nats", mean, data.count());
        progress.log(String.format(Locale.ROOT, "mean NLL %.4f nats over %d points (%s)", mean, data.count(), estimator));
        ObjectNode result = Json.object().put("count", data.count()).put("mean_nll_nats", mean)
                .put("bits_per_dim", ImageData.bitsPerDim(mean, data.dim(), eightBit)).put("dequantised", eightBit)
                .put("nfe", r.meanNfe())
                .put("estimator", estimator).put("probes", probes);
        result.set("artifacts", artifacts);
        return new Outcome(result, progress.done(data.count(), data.count() + " points"), null);
    }

}
