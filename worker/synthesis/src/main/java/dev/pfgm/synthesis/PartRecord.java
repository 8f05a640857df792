package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A committed part as the manifest lists it: shard index, first row, rows, its files (the main
 * file first), the attempt and worker that made it, and what it cost.
 */
public record PartRecord(int index, long firstRow, int rows, List<FileEntry> files, int attempt, String worker,
                         double seconds, double nfe, long candidates) {

    /** One file of a part. */
    public record FileEntry(String name, long bytes, String sha256) {
        public static FileEntry of(PartFile f) {
            return new FileEntry(f.name(), f.bytes(), f.sha256());
        }
    }

    public static PartRecord of(ShardRows r, List<PartFile> files, int attempt, String worker) {
        return new PartRecord(r.shard(), r.first(), r.rows(), files.stream().map(FileEntry::of).toList(), attempt,
                worker, r.seconds(), r.meanNfe(), r.candidates());
    }

    public String name() {
        return files.get(0).name();
    }

    public long bytes() {
        long b = 0;
        for (FileEntry f : files) {
            b += f.bytes();
        }
        return b;
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        FileEntry main = files.get(0);
        o.put("name", main.name()).put("index", index).put("first_row", firstRow).put("rows", rows)
                .put("bytes", main.bytes()).put("sha256", main.sha256()).put("attempt", attempt).put("worker", worker)
                .put("seconds", Math.round(seconds * 1000) / 1000.0).put("nfe", nfe).put("candidates", candidates);
        if (files.size() > 1) {
            ArrayNode side = o.putArray("files");
            for (FileEntry f : files.subList(1, files.size())) {
                side.addObject().put("name", f.name()).put("bytes", f.bytes()).put("sha256", f.sha256());
            }
        }
        return o;
    }

    public static PartRecord fromJson(JsonNode o) {
        List<FileEntry> files = new ArrayList<>();
        files.add(new FileEntry(o.path("name").asText(), o.path("bytes").asLong(), o.path("sha256").asText()));
        for (JsonNode f : o.path("files")) {
            files.add(new FileEntry(f.path("name").asText(), f.path("bytes").asLong(), f.path("sha256").asText()));
        }
        return new PartRecord(o.path("index").asInt(), o.path("first_row").asLong(), o.path("rows").asInt(), files,
                o.path("attempt").asInt(1), o.path("worker").asText(), o.path("seconds").asDouble(),
                o.path("nfe").asDouble(), o.path("candidates").asLong());
    }
}
