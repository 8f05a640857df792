package dev.pfgm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.EvalReport;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.LatentPath;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The jobs that use a trained model rather than make one: encode and decode (the invertible map),
 * interpolate (a strip between two encoded rows), and the image evaluation's classifier and eval.
 * The gateway has checked what it can (kinds, sizes, the classifier job); the rest is checked here.
 */
record AnalysisRunner(JobStore jobs, ObjectStore objects, JobFiles files) {
    static final String CLASSIFIER_FILE = "classifier.bin";

    /** The solver a job's params ask for, with the engine's defaults. */
    static SolverSpec solver(JsonNode p) {
        SolverSpec d = SolverSpec.defaults();
        return new SolverSpec(p.path("solver").asText(d.name()), p.path("rtol").asDouble(d.rtol()),
                p.path("atol").asDouble(d.atol()), p.path("steps").asInt(d.steps()));
    }

    /** Encode (data to latents.npy) or decode (latents to samples.npy, and grid.png for images). */
    JobRunner.Outcome map(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        boolean encode = job.type() == JobType.ENCODE;
        progress.phase("loading model and dataset");
        PfgmModel model = files.model(job.tenant(), job.modelId(), dir);
        Dataset in = points(files.load(job.tenant(), job.dataset(), dir), model, !encode);
        SolverSpec spec = solver(job.params());
        String what = String.format(Locale.ROOT, "%d %s", in.count(), encode ? "points encoded" : "latents decoded");
        long t0 = System.nanoTime();
        FlowMap map = new FlowMap(model);
        Sampler.Result r = encode
                ? map.encode(in, spec, f -> progress.update(f * in.count(), in.count(), what))
                : map.decode(in, spec, f -> progress.update(f * in.count(), in.count(), what));
        double seconds = (System.nanoTime() - t0) / 1e9;
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        if (encode) {
            Path out = dir.resolve("latents.npy");
            DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
            files.upload(job, progress, out, "latents.npy", "application/octet-stream", artifacts);
        } else {
            writeData(job, progress, model, r.samples(), r.count(), "samples", dir, artifacts);
        }
        progress.metric("nfe", r.meanNfe(), in.count());
        progress.log(String.format(Locale.ROOT, "%s in %.2f s, mean NFE %.1f", what, seconds, r.meanNfe()));
        ObjectNode result = Json.object().put("count", r.count()).put("dim", r.dim()).put("nfe", r.meanNfe())
                .put("seconds", seconds).put("solver", spec.name());
        result.set("artifacts", artifacts);
        return new JobRunner.Outcome(result, progress.done(in.count(), what), null);
    }

    /**
     * Encodes rows {@code from} and {@code to}, walks between the latents ({@link LatentPath}) and
     * decodes every frame: strip.npy, and strip.png for an image model.
     */
    JobRunner.Outcome interpolate(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading model and dataset");
        PfgmModel model = files.model(job.tenant(), job.modelId(), dir);
        Dataset all = points(files.load(job.tenant(), job.dataset(), dir), model, false);
        JsonNode p = job.params();
        int from = p.path("from").asInt();
        int to = p.path("to").asInt();
        int frames = p.path("frames").asInt(10);
        for (int i : new int[] {from, to}) {
            if (i >= all.count()) {
                throw new InvalidInputException("params." + (i == from ? "from" : "to") + ": " + i
                        + " is not a row of the dataset, which holds " + all.count());
            }
        }
        int dim = all.dim();
        double[] pair = new double[2 * dim];
        System.arraycopy(all.values(), from * dim, pair, 0, dim);
        System.arraycopy(all.values(), to * dim, pair, dim, dim);
        SolverSpec spec = solver(p);
        long t0 = System.nanoTime();
        FlowMap flow = new FlowMap(model);
        int total = frames + 2;
        Sampler.Result latents = flow.encode(new Dataset(all.source(), pair, 2, dim, all.sha256()), spec,
                f -> progress.update(2 * f, total, "encoding the two ends"));
        double[] path = LatentPath.between(latents.samples(), dim, frames);
        Sampler.Result decoded = flow.decode(new Dataset("latent path", path, frames, dim, ""), spec,
                f -> progress.update(2 + frames * f, total, String.format(Locale.ROOT, "decoding %d frames", frames)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        // how far the strip's ends are from the rows they started from: the map's round-trip error
        double roundTrip = 0;
        for (int k = 0; k < dim; k++) {
            roundTrip = Math.max(roundTrip, Math.abs(decoded.samples()[k] - pair[k]));
            roundTrip = Math.max(roundTrip, Math.abs(decoded.samples()[(frames - 1) * dim + k] - pair[dim + k]));
        }
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        writeData(job, progress, model, decoded.samples(), frames, "strip", dir, artifacts);
        double nfe = latents.meanNfe() + decoded.meanNfe();
        progress.log(String.format(Locale.ROOT, "%d frames from row %d to row %d in %.2f s; ends reproduced within %.3g",
                frames, from, to, seconds, roundTrip));
        ObjectNode result = Json.object().put("from", from).put("to", to).put("frames", frames)
                .put("endpoint_max_abs_error", roundTrip).put("nfe", nfe).put("seconds", seconds)
                .put("solver", spec.name());
        result.putArray("latent_norms").add(LatentPath.norm(latents.samples(), 0, dim))
                .add(LatentPath.norm(latents.samples(), dim, dim));
        result.set("artifacts", artifacts);
        return new JobRunner.Outcome(result, progress.done(total, frames + " frames"), null);
    }

    /** Trains the image classifier eval jobs judge samples with; writes classifier.bin. */
    JobRunner.Outcome classifier(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading dataset");
        ImageFiles.Loaded loaded = files.load(job.tenant(), job.dataset(), dir);
        if (!loaded.isImages() || loaded.images().labels() == null) {
            throw new InvalidInputException("dataset " + job.dataset() + ": a classifier trains on labelled images");
        }
        ImageSet data = loaded.images();
        int epochs = job.params().path("epochs").asInt(3);
        long seed = job.params().path("seed").asLong(0);
        progress.log(String.format(Locale.ROOT, "training a classifier on %d images of %dx%dx%d for %d epochs",
                data.count(), data.channels(), data.height(), data.width(), epochs));
        long t0 = System.nanoTime();
        ClassifierModel c = ClassifierModel.train(data, epochs, seed, (epoch, f, loss) -> progress.update(f * epochs,
                epochs, String.format(Locale.ROOT, "epoch %d/%d, loss %.3f", epoch, epochs, loss)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path out = dir.resolve(CLASSIFIER_FILE);
        Files.write(out, c.toBytes());
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        files.upload(job, progress, out, CLASSIFIER_FILE, "application/octet-stream", artifacts);
        progress.log(String.format(Locale.ROOT, "held-out accuracy %.4f after %d epochs", c.accuracy(), epochs));
        ObjectNode result = Json.object().put("classes", c.network().classes()).put("validation_accuracy", c.accuracy())
                .put("epochs", epochs).put("seconds", seconds)
                .put("shape", data.channels() + "x" + data.height() + "x" + data.width()).put("count", data.count());
        result.set("artifacts", artifacts);
        return new JobRunner.Outcome(result, progress.done(epochs, "trained"), null);
    }

    /** The model's samples beside held-out images and a Gaussian (Evaluation); writes eval.json. */
    JobRunner.Outcome eval(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("loading model and datasets");
        PfgmModel model = files.model(job.tenant(), job.modelId(), dir);
        if (!model.isImage()) {
            throw new InvalidInputException("model " + job.modelId() + " is a vector model; eval scores image models");
        }
        JsonNode p = job.params();
        ImageSet test = images(files.load(job.tenant(), job.dataset(), dir), "dataset " + job.dataset());
        String trainRef = p.has("train") ? p.get("train").asText() : files.modelDataset(job.tenant(), job.modelId());
        Path trainDir = Files.createDirectories(dir.resolve("train"));
        ImageSet train = images(files.load(job.tenant(), trainRef, trainDir), "params.train " + trainRef);
        ClassifierModel classifier = p.has("classifier")
                ? classifierOf(jobs, objects, job.tenant(), p.get("classifier").asText(), dir) : null;
        Guidance guidance = Guidance.forModel(model, null, p.has("guidance") ? p.get("guidance").asDouble() : null, null);
        int count = p.path("count").asInt(1000);
        int nllCount = p.path("nll_count").asInt(200);
        long seed = p.path("seed").asLong(0);
        long t0 = System.nanoTime();
        Evaluation.Result r = Evaluation.run(model, guidance, test, train, classifier, count, nllCount, seed, solver(p),
                f -> progress.update(f, 1, f < 0.6 ? "sampling " + count : f < 0.95 ? "likelihood" : "scoring"));
        ObjectNode result = EvalReport.json(r).put("seconds", (System.nanoTime() - t0) / 1e9).put("train", trainRef);
        if (classifier != null) {
            result.put("classifier", p.get("classifier").asText()).put("classifier_accuracy", classifier.accuracy())
                    .put("frechet_ratio", r.model().frechet() / r.gaussian().frechet());
        }
        Path out = dir.resolve("eval.json");
        Files.write(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        files.upload(job, progress, out, "eval.json", "application/json", artifacts);
        progress.log(String.format(Locale.ROOT, "bits/dim %.4f%s", r.model().bitsPerDim(), classifier == null ? ""
                : String.format(Locale.ROOT, ", Frechet distance %.4g (Gaussian %.4g, held-out real %.4g)",
                r.model().frechet(), r.gaussian().frechet(), r.real().frechet())));
        result.set("artifacts", artifacts);
        return new JobRunner.Outcome(result, progress.done(1, "evaluated"), null);
    }

    /** The classifier a succeeded classifier job wrote (an eval's or a synthesis report's params.classifier). */
    static ClassifierModel classifierOf(JobStore jobs, ObjectStore objects, String tenant, String jobId, Path dir)
            throws IOException {
        String what = "params.classifier " + jobId;
        JobRecord c = jobs.get(tenant, UUID.fromString(jobId))
                .filter(j -> j.type() == JobType.CLASSIFIER && j.status() == JobStatus.SUCCEEDED)
                .orElseThrow(() -> new InvalidInputException(what + ": no succeeded classifier job"));
        if (c.filesExpiredAt() != null) {
            throw new InvalidInputException(what + ": its files have expired");
        }
        String key = null;
        for (JsonNode a : c.result().path("artifacts")) {
            if (a.path("name").asText().equals(CLASSIFIER_FILE)) {
                key = a.path("key").asText();
            }
        }
        if (key == null) {
            throw new InvalidInputException(what + ": the job lists no " + CLASSIFIER_FILE);
        }
        Path f = dir.resolve(CLASSIFIER_FILE);
        objects.get(key, f);
        return ClassifierModel.read(Files.readAllBytes(f), what);
    }

    /** A dataset as the model's points: images scaled as training saw them; latents must be a table. */
    private static Dataset points(ImageFiles.Loaded loaded, PfgmModel model, boolean latents) {
        if (loaded.isImages() && latents) {
            throw new InvalidInputException("dataset: latents are a table of the model's " + model.dim() + " columns");
        }
        Dataset d = loaded.isImages() ? ImageData.points(loaded.images()) : loaded.table();
        model.checkDimension(d, "dataset");
        return d;
    }

    private static ImageSet images(ImageFiles.Loaded loaded, String what) {
        if (!loaded.isImages()) {
            throw new InvalidInputException(what + " holds a table; eval needs images");
        }
        return loaded.images();
    }

    /** Points in data space as {@code name}.npy ([n, c, h, w] for images, with {@code name}.png beside). */
    private void writeData(JobRecord job, ProgressReporter progress, PfgmModel model, float[] values, int n, String name,
            Path dir, ArrayNode artifacts) throws IOException {
        Path npy = dir.resolve(name + ".npy");
        if (!model.isImage()) {
            DataFiles.writeNpy(npy, values, n, model.dim());
            files.upload(job, progress, npy, name + ".npy", "application/octet-stream", artifacts);
            return;
        }
        ImageMeta im = model.image();
        DataFiles.writeNpy(npy, values, new long[] {n, im.channels(), im.height(), im.width()});
        files.upload(job, progress, npy, name + ".npy", "application/octet-stream", artifacts);
        Path png = dir.resolve(name.equals("strip") ? "strip.png" : "grid.png");
        byte[] bytes = name.equals("strip")
                ? ImageGrid.png(values, n, im.channels(), im.height(), im.width(), n, ImageGrid.displayScale(im.height()))
                : ImageGrid.samples(values, n, im.channels(), im.height(), im.width());
        Files.write(png, bytes);
        files.upload(job, progress, png, png.getFileName().toString(), "image/png", artifacts);
    }
}
