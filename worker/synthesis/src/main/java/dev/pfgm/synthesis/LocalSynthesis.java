package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.Futures;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.synthesis.ShardPlan;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * `./pfgm synthesize`: every shard of a synthesis in this process, one after another (each on every
 * core), into one folder: the parts, then manifest.json. Until the manifest is written, a journal
 * (synthesis.partial.json) lists the committed parts; --resume keeps each listed part whose files
 * still have their SHA-256 and draws the rest, so a run killed at any point resumes to the same
 * bytes as an uninterrupted one. A part is written while the next shard is drawn.
 */
public final class LocalSynthesis {
    public static final String MANIFEST = "manifest.json";
    public static final String JOURNAL = "synthesis.partial.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Told the rows done so far (including parts kept from an earlier run) out of the count. */
    @FunctionalInterface
    public interface Listener {
        void rowsDone(double rows, long count);
    }

    /** Makes report.json from the report's sample of the delivered rows ({@link ReportSample} parts). */
    @FunctionalInterface
    public interface Reporter {
        ObjectNode report(List<byte[]> sample) throws IOException;
    }

    public static final String REPORT = "report.json";
    private static final String SAMPLE_PREFIX = ".report-sample-";

    /**
     * Whether a run writes, renames into place or deletes a file of this name in its folder: its
     * parts and their sidecars, the manifest, journal and report, and their temporary files. An input
     * there by such a name would be lost.
     */
    public static boolean writes(String fileName) {
        return fileName.equals(MANIFEST) || fileName.equals(JOURNAL) || fileName.equals(REPORT)
                || fileName.startsWith("part-") || fileName.startsWith(".part-") || fileName.startsWith(SAMPLE_PREFIX)
                || (fileName.startsWith(".pfgm-") && fileName.endsWith(".tmp"));
    }

    /** What a run did: the manifest, how many parts it kept from an earlier run and how many it drew. */
    public record Result(ObjectNode manifest, int keptParts, int drawnParts, long drawnRows, double seconds) {
    }

    private LocalSynthesis() {
    }

    /**
     * @param model     the model file's description for the manifest (path, SHA-256, kind, ...)
     * @param threshold the filter's threshold (null without a filter)
     */
    public static Result run(PfgmModel pfgm, ObjectNode model, SynthesisSpec spec, Double threshold, Path out,
                             boolean resume, Listener listener) throws IOException {
        return run(pfgm, model, spec, threshold, out, resume, null, listener);
    }

    /** @param reporter makes report.json (null: no report) */
    public static Result run(PfgmModel pfgm, ObjectNode model, SynthesisSpec spec, Double threshold, Path out,
                             boolean resume, Reporter reporter, Listener listener) throws IOException {
        long t0 = System.nanoTime();
        DataFiles.createFolder(out, "--out");
        ShardPlan plan = spec.plan();
        ObjectNode identity = identity(model, spec, threshold);
        NavigableMap<Integer, PartRecord> kept = resume ? kept(out, identity, plan) : refuseOld(out, reporter != null);
        ShardSynthesizer synthesizer = new ShardSynthesizer(pfgm, spec, threshold);
        PartWriter writer = new PartWriter(spec.format(), PartLayout.of(pfgm));
        ReportSample sample = new ReportSample(plan, pfgm.isImage());
        long keptRows = 0;
        for (PartRecord p : kept.values()) {
            keptRows += p.rows();
        }
        writeJournal(out, identity, kept);
        ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pfgm-synthesis-writer");
            t.setDaemon(true);
            return t;
        });
        List<Integer> todo = new ArrayList<>();
        for (int k = 0; k < plan.shards(); k++) {
            if (!kept.containsKey(k)) {
                todo.add(k);
            }
        }
        int drawn = 0;
        long drawnRows = 0;
        try {
            Future<?> writing = null;
            double done = keptRows;
            for (int k : todo) {
                final double base = done;
                final int rowsOfShard = plan.rows(k);
                ShardRows rows = synthesizer.run(k, f -> listener.rowsDone(base + f * rowsOfShard, spec.count()));
                // one part in writing at a time: this shard's waits for the previous one's
                await(writing);
                writing = io.submit(() -> {
                    byte[] share = reporter == null ? null : sample.take(rows);
                    if (share != null) {
                        DataFiles.writeAtomically(out.resolve(sampleName(rows.shard())), o -> o.write(share));
                    }
                    List<PartFile> files = writer.write(rows, out);
                    synchronized (kept) {
                        kept.put(rows.shard(), PartRecord.of(rows, files, 1, "local"));
                        writeJournal(out, identity, kept);
                    }
                    return null;
                });
                done += rowsOfShard;
                drawn++;
                drawnRows += rowsOfShard;
                listener.rowsDone(done, spec.count());
            }
            await(writing);
        } finally {
            io.shutdownNow();
        }
        ObjectNode manifest = Manifest.build(NullNode.getInstance(), model, spec, threshold, classCounts(pfgm, spec),
                new ArrayList<>(kept.values()));
        if (reporter != null) {
            List<byte[]> shares = new ArrayList<>();
            for (int k = 0; k < plan.shards(); k++) {
                Path f = out.resolve(sampleName(k));
                if (sample.includes(k) && Files.exists(f)) {
                    shares.add(Files.readAllBytes(f));
                }
            }
            // a resumed run whose parts were all kept drew no sample: its earlier report.json stands
            if (!shares.isEmpty()) {
                write(out.resolve(REPORT), reporter.report(shares));
            }
        }
        write(out.resolve(MANIFEST), manifest);
        Files.deleteIfExists(out.resolve(JOURNAL));
        for (int k = 0; k < plan.shards(); k++) {
            Files.deleteIfExists(out.resolve(sampleName(k)));
        }
        return new Result(manifest, plan.shards() - drawn, drawn, drawnRows, (System.nanoTime() - t0) / 1e9);
    }

    private static String sampleName(int shard) {
        return String.format(java.util.Locale.ROOT, "%s%05d.npy", SAMPLE_PREFIX, shard);
    }

    static long[] classCounts(PfgmModel model, SynthesisSpec spec) {
        int[] training = Conditioning.classCounts(model);
        return training == null ? null : spec.classes().counts(spec.count(), training);
    }

    /** What must match for a part to be reused: the model file, the resolved parameters, the threshold. */
    private static ObjectNode identity(ObjectNode model, SynthesisSpec spec, Double threshold) {
        ObjectNode id = JSON.createObjectNode();
        id.put("model_sha256", model.path("sha256").asText());
        id.set("params", spec.toJson().without(SynthesisSpec.REPORT_KEYS));
        if (threshold != null) {
            id.put("threshold", threshold);
        }
        // as it reads back from the journal (a long written is an int read), so equal ones compare equal
        try {
            return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(id));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new run refuses a folder that already holds one, or a report.json it would write over. */
    private static NavigableMap<Integer, PartRecord> refuseOld(Path out, boolean report) throws IOException {
        boolean old = Files.exists(out.resolve(MANIFEST)) || Files.exists(out.resolve(JOURNAL));
        try (Stream<Path> files = Files.list(out)) {
            old |= files.anyMatch(p -> p.getFileName().toString().startsWith("part-"));
        }
        if (old) {
            throw new InvalidInputException("--out: '" + out + "' already holds a synthesis (parts or "
                    + MANIFEST + "); pass --resume to continue it, or choose an empty folder");
        }
        if (report && Files.exists(out.resolve(REPORT))) {
            throw new InvalidInputException("--out: '" + out + "' holds a " + REPORT + " that this run would replace;"
                    + " move it, choose another folder, or pass --no-report");
        }
        return new TreeMap<>();
    }

    /**
     * The parts of an earlier run of the same synthesis whose files are still intact and which are the
     * plan's: its index, first row and row count. The folder's files are the user's to edit: a part
     * listed twice, or with other rows, once made the totals disagree with --count.
     */
    private static NavigableMap<Integer, PartRecord> kept(Path out, ObjectNode identity, ShardPlan plan)
            throws IOException {
        TreeMap<Integer, PartRecord> kept = new TreeMap<>();
        JsonNode earlier = null;
        Path journal = out.resolve(JOURNAL);
        Path manifest = out.resolve(MANIFEST);
        if (Files.exists(journal)) {
            earlier = read(journal);
        } else if (Files.exists(manifest)) {
            JsonNode m = read(manifest);
            earlier = JSON.createObjectNode().put("model_sha256", m.path("model").path("sha256").asText())
                    .set("params", m.path("params"));
            ((ObjectNode) earlier).set("parts", m.path("parts"));
            if (m.path("filter").has("threshold")) {
                ((ObjectNode) earlier).put("threshold", m.path("filter").path("threshold").asDouble());
            }
        }
        if (earlier == null) {
            try (Stream<Path> files = Files.list(out)) {
                if (files.anyMatch(p -> p.getFileName().toString().startsWith("part-"))) {
                    // "pass --resume to continue it" was the answer to --resume itself
                    throw new InvalidInputException("--resume: '" + out + "' holds parts but neither " + JOURNAL + " nor "
                            + MANIFEST + ", which say what they are; nothing there can be resumed: choose an empty folder");
                }
            }
            return kept;
        }
        if (!earlier.isObject() || !earlier.path("params").isObject() || !earlier.path("parts").isArray()) {
            throw new InvalidInputException("--resume: '" + out + "' holds a " + (Files.exists(journal) ? JOURNAL : MANIFEST)
                    + " that is not a synthesis's (no params or parts); choose another folder");
        }
        ObjectNode was = ((ObjectNode) earlier.deepCopy()).without("parts");
        ((ObjectNode) was.path("params")).remove(SynthesisSpec.REPORT_KEYS);
        if (!was.equals(identity)) {
            throw new InvalidInputException("--resume: '" + out + "' holds another synthesis (" + difference(was, identity)
                    + "); choose another folder or repeat its settings");
        }
        for (JsonNode p : earlier.path("parts")) {
            PartRecord r = PartRecord.fromJson(p);
            boolean planned = r.index() >= 0 && r.index() < plan.shards() && r.firstRow() == plan.first(r.index())
                    && r.rows() == plan.rows(r.index());
            if (planned && !kept.containsKey(r.index()) && intact(out, r)) {
                kept.put(r.index(), r);
            }
        }
        Files.deleteIfExists(manifest);
        return kept;
    }

    private static boolean intact(Path out, PartRecord r) throws IOException {
        for (PartRecord.FileEntry f : r.files()) {
            Path file = out.resolve(f.name());
            if (!Files.isRegularFile(file) || Files.size(file) != f.bytes() || !PartWriter.sha256(file).equals(f.sha256())) {
                return false;
            }
        }
        return true;
    }

    /** The first key whose value differs, as "key: old vs new". */
    private static String difference(JsonNode was, JsonNode now) {
        for (Iterator<String> it = now.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (k.equals("params")) {
                for (Iterator<String> p = now.path("params").fieldNames(); p.hasNext();) {
                    String pk = p.next();
                    if (!now.path("params").path(pk).equals(was.path("params").path(pk))) {
                        return pk + " " + was.path("params").path(pk) + ", not " + now.path("params").path(pk);
                    }
                }
            } else if (!now.path(k).equals(was.path(k))) {
                return k.equals("model_sha256") ? "made from another model file" : k + " " + was.path(k) + ", not "
                        + now.path(k);
            }
        }
        return "other settings";
    }

    private static void writeJournal(Path out, ObjectNode identity, NavigableMap<Integer, PartRecord> parts)
            throws IOException {
        ObjectNode j = identity.deepCopy();
        ArrayNode list = j.putArray("parts");
        parts.values().forEach(p -> list.add(p.toJson()));
        write(out.resolve(JOURNAL), j);
    }

    private static void write(Path file, JsonNode node) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(node);
        DataFiles.writeAtomically(file, o -> o.write(bytes));
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // the parser's own message names its source buffer and internals: say where, and what
            var at = e.getLocation();
            throw new InvalidInputException("--resume: '" + file + "' is damaged, not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; remove the folder's files, or choose another folder");
        } catch (IOException e) {
            throw new InvalidInputException("--resume: '" + file + "' is unreadable: " + e.getMessage());
        }
    }

    private static void await(Future<?> f) throws IOException {
        if (f != null) {
            Futures.await(f);
        }
    }
}
