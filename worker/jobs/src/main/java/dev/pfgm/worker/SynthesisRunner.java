package dev.pfgm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.Keys;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.ShardStore;
import dev.pfgm.shared.synthesis.SpecException;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import dev.pfgm.synthesis.DensityThreshold;
import dev.pfgm.synthesis.Manifest;
import dev.pfgm.synthesis.ModelDescription;
import dev.pfgm.synthesis.PartFile;
import dev.pfgm.synthesis.PartLayout;
import dev.pfgm.synthesis.PartRecord;
import dev.pfgm.synthesis.PartWriter;
import dev.pfgm.synthesis.ReportSample;
import dev.pfgm.synthesis.ShardRows;
import dev.pfgm.synthesis.ShardSynthesizer;
import dev.pfgm.synthesis.SynthesisReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The three steps of a synthesize job on a worker. Planning (a job attempt): resolve the parameters
 * against the model, find the filter's threshold, queue the shards. A shard (a shard attempt): draw
 * its rows, write its part, upload it under the attempt's own keys, commit it. Finalising (a job
 * attempt, taken by whoever commits the last shard): write manifest.json from the committed parts,
 * then the job succeeds.
 */
record SynthesisRunner(JobStore jobs, ShardStore shards, JobFiles inputs, ModelCache models, ObjectStore objects, String owner, Path scratch, int leaseSeconds) {

    /** A claimed synthesize job: plans it, or finalises it once every shard is committed. */
    JobRunner.Outcome run(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        if (JobRecord.FINALIZE.equals(job.phase())) {
            return finalizeJob(job, dir, progress);
        }
        return plan(job, dir, progress);
    }

    private static SynthesisSpec spec(JsonNode params, PfgmModel m) {
        try {
            return SynthesisSpec.parse(params, ModelDescription.facts(m));
        } catch (SpecException e) {
            throw new InvalidInputException("params." + e.getMessage());
        }
    }

    private JobRunner.Outcome plan(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("planning");
        ModelCache.Loaded m = models.get(job.tenant(), job.modelId());
        SynthesisSpec spec = spec(job.params(), m.model());
        ObjectNode plan = Json.object();
        plan.set("spec", spec.toJson());
        Double threshold = null;
        if (spec.filterQuantile() != null) {
            String data = inputs.modelDataset(job.tenant(), job.modelId());
            progress.phase("filter: log densities of the training data");
            threshold = DensityThreshold.of(m.model(), inputs.load(job.tenant(), data, dir), spec,
                    f -> progress.update(f, 1, "filter threshold"));
            progress.log(String.format(Locale.ROOT, "filter: the %.3g-quantile of the training data's log density is %.6g",
                    spec.filterQuantile(), threshold));
            plan.put("threshold", threshold);
        }
        plan.set("model", describe(job, m));
        progress.update(0, 0, "queueing shards");
        if (!shards.plan(job.id(), owner, job.attempt(), plan, spec.count(), spec.shardSize(), job.maxAttempts())) {
            // the job was cancelled, or its lease taken, while it was being planned
            JobStatus now = jobs.heartbeat(job.id(), owner, job.attempt(), leaseSeconds);
            throw new Lease.Stop(now == JobStatus.CANCELLING ? Lease.Reason.CANCELLED : Lease.Reason.LEASE_LOST);
        }
        progress.log(String.format(Locale.ROOT, "%d rows in %d shards of %d", spec.count(), spec.plan().shards(),
                spec.shardSize()));
        return new JobRunner.Outcome(null, null, null);
    }

    private static ObjectNode describe(JobRecord job, ModelCache.Loaded m) {
        ObjectNode o = Json.object().put("id", job.modelId().toString());
        o.setAll(ModelDescription.manifestEntry(m.model(), m.sha256()));
        return o;
    }

    /** Draws, writes, uploads and commits one claimed shard. */
    ShardStore.Commit runShard(JobRecord job, ShardStore.ShardRecord s, Lease lease) throws IOException {
        if (job == null || job.status() != JobStatus.RUNNING || job.plan() == null) {
            throw new Lease.Stop(Lease.Reason.CANCELLED);
        }
        long t0 = System.nanoTime();
        ModelCache.Loaded m = models.get(job.tenant(), job.modelId());
        SynthesisSpec spec = spec(job.plan().path("spec"), m.model());
        Double threshold = job.plan().hasNonNull("threshold") ? job.plan().get("threshold").asDouble() : null;
        Path dir = Files.createDirectories(scratch.resolve(job.id() + "-shard-" + s.index() + "-" + s.attempt()));
        try {
            ShardProgress progress = new ShardProgress(shards, s, owner, lease);
            long t1 = System.nanoTime();
            ShardRows rows = new ShardSynthesizer(m.model(), spec, threshold).run(s.index(), progress::fraction);
            lease.check();
            long t2 = System.nanoTime();
            List<PartFile> files = new PartWriter(spec.format(), PartLayout.of(m.model())).write(rows, dir);
            lease.check();
            long t3 = System.nanoTime();
            ArrayNode list = Json.MAPPER.createArrayNode();
            List<String> keys = new ArrayList<>();
            for (PartFile f : files) {
                String key = Keys.shardOutput(job.id(), s.index(), s.attempt(), f.name());
                objects.put(key, f.path(), contentType(f.name()));
                keys.add(key);
                list.addObject().put("name", f.name()).put("bytes", f.bytes()).put("sha256", f.sha256()).put("key", key)
                        .put("content_type", contentType(f.name()));
            }
            // where the shard's time went: model (from the cache, or loaded), drawing, writing, uploading
            ObjectNode stats = Json.object().put("seconds", rows.seconds()).put("nfe", rows.meanNfe())
                    .put("candidates", rows.candidates()).put("model_seconds", (t1 - t0) / 1e9)
                    .put("draw_seconds", (t2 - t1) / 1e9).put("write_seconds", (t3 - t2) / 1e9)
                    .put("upload_seconds", (System.nanoTime() - t3) / 1e9);
            byte[] share = spec.report() ? new ReportSample(spec.plan(), m.model().isImage()).take(rows) : null;
            if (share != null) {
                // the report's sample of this shard's rows: internal, not an artifact
                Path f = dir.resolve("report-sample.npy");
                Files.write(f, share);
                String key = Keys.shardOutput(job.id(), s.index(), s.attempt(), "report-sample.npy");
                objects.put(key, f, "application/octet-stream");
                keys.add(key);
                stats.put("sample", key);
            }
            PartFile main = files.get(0);
            ShardStore.Commit c = shards.commit(job.id(), s.index(), owner, s.attempt(),
                    new ShardStore.Part(keys.get(0), main.bytes(), main.sha256(), list, stats), leaseSeconds);
            if (!c.committed()) {
                // another attempt holds the shard now: its part will be the one listed
                for (String key : keys) {
                    objects.delete(key);
                }
                throw new Lease.Stop(Lease.Reason.LEASE_LOST);
            }
            return c;
        } finally {
            JobFiles.deleteTree(dir);
        }
    }

    private static final Map<String, String> CONTENT_TYPES = Map.of("csv", "text/csv", "parquet",
            "application/vnd.apache.parquet", "tar", "application/x-tar", "json", "application/json");

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private JobRunner.Outcome finalizeJob(JobRecord job, Path dir, ProgressReporter progress) throws IOException {
        progress.phase("writing the manifest");
        ModelCache.Loaded m = models.get(job.tenant(), job.modelId());
        SynthesisSpec spec = spec(job.plan().path("spec"), m.model());
        Double threshold = job.plan().hasNonNull("threshold") ? job.plan().get("threshold").asDouble() : null;
        List<PartRecord> parts = new ArrayList<>();
        List<String> sampleKeys = new ArrayList<>();
        int after = -1;
        while (true) {
            List<ShardStore.ShardRecord> page = shards.committed(job.id(), after, 1000);
            if (page.isEmpty()) {
                break;
            }
            for (ShardStore.ShardRecord s : page) {
                parts.add(part(s));
                if (s.stats().hasNonNull("sample")) {
                    sampleKeys.add(s.stats().get("sample").asText());
                }
                after = s.index();
            }
        }
        if (parts.size() != spec.plan().shards()) {
            throw new IllegalStateException("finalising found " + parts.size() + " committed parts of "
                    + spec.plan().shards());
        }
        ObjectNode jobInfo = Json.object().put("id", job.id().toString()).put("created_at", String.valueOf(job.createdAt()));
        long[] classCounts = spec.classes() == null ? null
                : spec.classes().counts(spec.count(), m.model().classCounts());
        ObjectNode manifest = Manifest.build(jobInfo, job.plan().path("model"), spec, threshold, classCounts, parts);
        Path file = dir.resolve("manifest.json");
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        ArrayNode artifacts = Json.MAPPER.createArrayNode();
        inputs.upload(job, progress, file, "manifest.json", "application/json", artifacts);
        if (spec.report()) {
            progress.phase("writing the report");
            Path report = dir.resolve("report.json");
            Files.write(report, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    report(job, m.model(), spec, sampleKeys, dir)));
            inputs.upload(job, progress, report, "report.json", "application/json", artifacts);
        }
        JsonNode totals = manifest.path("totals");
        double seconds = job.startedAt() == null ? 0
                : java.time.Duration.between(job.startedAt(), java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)).toMillis() / 1e3;
        ObjectNode result = Json.object().put("count", spec.count()).put("parts", parts.size())
                .put("rows", totals.path("rows").asLong()).put("bytes", totals.path("bytes").asLong())
                .put("format", spec.format().wireName()).put("shard_size", spec.shardSize())
                .put("nfe", totals.path("nfe").asDouble()).put("candidates", totals.path("candidates").asLong())
                .put("seconds", seconds).put("rows_per_second", seconds > 0 ? spec.count() / seconds : 0)
                .put("worker_seconds", totals.path("worker_seconds").asDouble());
        if (threshold != null) {
            result.put("threshold", threshold);
        }
        result.set("artifacts", artifacts);
        progress.log(String.format(Locale.ROOT, "%d rows in %d parts, %d bytes, %.1f s", spec.count(), parts.size(),
                totals.path("bytes").asLong(), seconds));
        ObjectNode done = shards.progress(job.id());
        done.put("eta_seconds", 0).put("message", String.format(Locale.ROOT, "%d parts, %,d rows", parts.size(),
                spec.count()));
        return new JobRunner.Outcome(result, done, null);
    }

    /** report.json from the shards' samples, against the model's training data and recorded holdout. */
    private ObjectNode report(JobRecord job, PfgmModel model, SynthesisSpec spec, List<String> sampleKeys, Path dir)
            throws IOException {
        List<byte[]> shares = new ArrayList<>();
        Path f = dir.resolve("sample.npy");
        for (String key : sampleKeys) {
            objects.get(key, f);
            shares.add(Files.readAllBytes(f));
        }
        ImageFiles.Loaded training = null;
        String problem = null;
        try {
            training = inputs.load(job.tenant(), inputs.modelDataset(job.tenant(), job.modelId()), dir);
        } catch (InvalidInputException e) {
            problem = e.getMessage();
        }
        // the gateway checked both against the model; a held-out dataset is kept while the job is unfinished
        ImageFiles.Loaded heldOut = null;
        if (spec.heldOut() != null) {
            Path held = Files.createDirectories(dir.resolve("held-out"));
            heldOut = SynthesisReport.heldOut(model, inputs.load(job.tenant(), spec.heldOut(), held), "params.held_out");
        }
        ClassifierModel classifier = null;
        if (spec.classifier() != null) {
            classifier = AnalysisRunner.classifierOf(jobs, objects, job.tenant(), spec.classifier(), dir);
            classifier.checkTakes(model.image().channels(), model.image().height(), model.image().width(),
                    "params.classifier", "the model's");
        }
        return SynthesisReport.build(model, shares, spec.classes() != null, spec.logDensity(), training, problem, heldOut,
                classifier);
    }

    private static PartRecord part(ShardStore.ShardRecord s) {
        List<PartRecord.FileEntry> files = new ArrayList<>();
        for (JsonNode f : s.files()) {
            files.add(new PartRecord.FileEntry(f.path("name").asText(), f.path("bytes").asLong(), f.path("sha256").asText()));
        }
        JsonNode st = s.stats();
        return new PartRecord(s.index(), s.firstRow(), s.rows(), files, s.attempt(), s.worker(),
                st.path("seconds").asDouble(), st.path("nfe").asDouble(), st.path("candidates").asLong());
    }
}
