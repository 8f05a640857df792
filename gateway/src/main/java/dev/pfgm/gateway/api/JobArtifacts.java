package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ShardStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's files as the API lists them: those its result names (a succeeded job's), and for a
 * synthesis also its parts, read from the shards table a page at a time (a job may have 100,000).
 * A cancelled synthesis lists the parts it committed; any other unfinished job has none yet.
 */
public record JobArtifacts(ShardStore shards, ModelStore models) {
    /** A file: its name, object key, size, checksum and type. */
    record File(String name, String key, long bytes, String sha256, String contentType) {
        static File of(JsonNode a) {
            return new File(a.path("name").asText(), a.path("key").asText(), a.path("bytes").asLong(),
                    a.path("sha256").asText(), a.path("content_type").asText());
        }
    }

    /** A page of files and the cursor of the next page (null at the end). */
    record Page(List<File> files, String next) {
    }

    private static final Pattern PART = Pattern.compile("part-(\\d{5,9})\\..+");
    private static final String PARTS_AFTER = "part-";
    /** A train job's model file, which goes with its model: deleting the model deletes it. */
    private static final String MODEL_FILE = "model.pfgm";

    /** The result's own files, a train job's model file only while its model exists (it was listed, and 404'd). */
    private List<JsonNode> resultFiles(JobRecord j) {
        List<JsonNode> files = new ArrayList<>();
        if (j.result() == null) {
            return files;
        }
        UUID model = j.type() == JobType.TRAIN ? Endpoint.parseUuid(j.result().path("model").asText(null)) : null;
        boolean modelGone = model != null && models.get(j.tenant(), model).isEmpty();
        j.result().path("artifacts").forEach(a -> {
            if (!(modelGone && a.path("name").asText().equals(MODEL_FILE))) {
                files.add(a);
            }
        });
        return files;
    }

    /**
     * Up to {@code limit} parts' files after the cursor {@code after} (null: from the start, where
     * the result's own files come first).
     */
    Page list(JobRecord j, String after, int limit) {
        checkListable(j);
        List<File> out = new ArrayList<>();
        int afterIndex = -1;
        if (after != null) {
            afterIndex = cursor(after);
        } else {
            resultFiles(j).forEach(a -> out.add(File.of(a)));
        }
        if (j.type() != JobType.SYNTHESIZE) {
            return new Page(out, null);
        }
        List<ShardStore.ShardRecord> page = shards.committed(j.id(), afterIndex, limit + 1);
        boolean more = page.size() > limit;
        for (ShardStore.ShardRecord s : more ? page.subList(0, limit) : page) {
            s.files().forEach(f -> out.add(File.of(f)));
        }
        return new Page(out, more ? PARTS_AFTER + page.get(limit - 1).index() : null);
    }

    /** The file named {@code name}, or a 404. */
    File find(JobRecord j, String name) {
        checkListable(j);
        for (JsonNode a : resultFiles(j)) {
            if (a.path("name").asText().equals(name)) {
                return File.of(a);
            }
        }
        Matcher m = PART.matcher(name);
        if (j.type() == JobType.SYNTHESIZE && m.matches() && m.group(1).length() <= 9) {
            ShardStore.ShardRecord s = shards.get(j.id(), Integer.parseInt(m.group(1)));
            if (s != null && s.status() == JobStatus.SUCCEEDED) {
                for (JsonNode f : s.files()) {
                    if (f.path("name").asText().equals(name)) {
                        return File.of(f);
                    }
                }
            }
        }
        throw new ApiException(404, "Not Found", "job " + j.id() + " has no artifact named '" + name + "'");
    }

    private static void checkListable(JobRecord j) {
        if (j.filesExpiredAt() != null) {
            throw new ApiException(410, "Gone", "job " + j.id() + "'s files were deleted at "
                    + Views.time(j.filesExpiredAt()) + ", past the deployment's retention (PFGM_RETENTION_DAYS)");
        }
        boolean partial = j.type() == JobType.SYNTHESIZE && j.status() == JobStatus.CANCELLED;
        if (j.status() != JobStatus.SUCCEEDED && !partial) {
            throw new ApiException(409, "Conflict", "job " + j.id() + " is " + j.status().wireName()
                    + "; artifacts exist once it has succeeded" + (j.type() == JobType.SYNTHESIZE
                    ? " (a cancelled synthesis lists the parts it committed)" : ""));
        }
    }

    private static int cursor(String after) {
        if (after.startsWith(PARTS_AFTER) && after.substring(PARTS_AFTER.length()).matches("\\d{1,9}")) {
            return Integer.parseInt(after.substring(PARTS_AFTER.length()));
        }
        throw ApiException.badRequest("/query/after", "must be the 'next' cursor of a previous page, got '" + after + "'");
    }
}
