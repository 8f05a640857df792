package dev.pfgm.launcher;

import static dev.pfgm.launcher.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.stack.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** ./pfgm upload, submit --wait, status, download and cancel against a real stack: the README's session. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    Stack stack;
    String[] conn;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, Map.of()));
        conn = new String[] {"--url", stack.url(), "--data-dir", stack.dir().toString()};
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private CliTest.Run cli(String... args) {
        String[] all = new String[args.length + conn.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(conn, 0, all, args.length, conn.length);
        return run(all);
    }

    private static JsonNode last(CliTest.Run r) throws Exception {
        List<String> lines = r.out().lines().filter(l -> l.startsWith("{")).toList();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    @Test
    void uploadTrainGenerateDownloadInFourCommands() throws Exception {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 500; i++) {
            double a = i * 0.0126;
            csv.append(Math.cos(a)).append(',').append(Math.sin(a)).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("circle.csv"), csv);
        CliTest.Run up = cli("upload", "--file", data.toString());
        assertEquals(0, up.code(), up.err());
        String ds = last(up).path("id").asText();

        CliTest.Run train = cli("submit", "--wait", "--timeout", "300", "--job",
                "{\"type\":\"train\",\"dataset\":\"" + ds + "\",\"params\":{\"steps\":40,\"hidden\":32,\"depth\":2}}");
        assertEquals(0, train.code(), train.err());
        JsonNode t = last(train);
        assertEquals("succeeded", t.path("status").asText());
        String model = t.path("result").path("model").asText();

        Path job = Files.writeString(tmp.resolve("gen.json"), "{\"type\":\"generate\",\"model\":\"" + model
                + "\",\"params\":{\"count\":30,\"format\":\"csv\"}}");
        CliTest.Run gen = cli("submit", "--job", job.toString(), "--wait", "--timeout", "300");
        assertEquals(0, gen.code(), gen.err());
        String genId = last(gen).path("id").asText();
        assertEquals("succeeded", last(cli("status", "--id", genId)).path("status").asText());

        // the upload and the model are listed, newest first; neither can go while a job of theirs exists
        assertTrue(ids(cli("datasets", "--limit", "1000")).contains(ds), "the uploaded dataset is listed");
        List<String> models = ids(cli("models"));
        assertEquals(model, models.get(0), "the newest model comes first");
        assertEquals(List.of(model), ids(cli("models", "--limit", "1")));

        Path out = tmp.resolve("out");
        CliTest.Run dl = cli("download", "--id", genId, "--out", out.toString());
        assertEquals(0, dl.code(), dl.err());
        List<String> lines = Files.readAllLines(out.resolve("samples.csv"));
        assertEquals("x,y", lines.get(0));
        assertEquals(31, lines.size());

        // a refusal leaves nothing behind: the folder it made went with the file the service did not have
        Path fresh = tmp.resolve("fresh");
        CliTest.Run none = cli("download", "--id", genId, "--name", "no-such.csv", "--out", fresh.toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("404"), none.err());
        assertFalse(Files.exists(fresh), "the folder the refused download made is gone");
        CliTest.Run up2 = cli("download", "--id", genId, "--name", "../samples.csv", "--out", fresh.toString());
        assertEquals(2, up2.code(), up2.err());
        assertTrue(up2.err().contains("--name: '../samples.csv' this will not write"), up2.err());
        assertFalse(Files.exists(fresh));

        // the model, then its training job, then the dataset: a deleted one is gone from its list
        CliTest.Run trainedFirst = cli("delete", "--id", t.path("id").asText());
        assertEquals(2, trainedFirst.code(), "a job whose model exists stays: " + trainedFirst.err());
        assertTrue(commandErr(trainedFirst).get(0).contains("409"), trainedFirst.err());
        CliTest.Run delModel = cli("delete", "--model", model);
        assertEquals(0, delModel.code(), delModel.err());
        assertEquals("model", last(delModel).path("kind").asText());
        assertFalse(ids(cli("models", "--limit", "1000")).contains(model), "the deleted model is not listed");
        CliTest.Run delJob = cli("delete", "--id", t.path("id").asText());
        assertEquals(0, delJob.code(), delJob.err());
        assertEquals("job", last(delJob).path("kind").asText());
        CliTest.Run delDs = cli("delete", "--dataset", ds);
        assertEquals(0, delDs.code(), delDs.err());
        assertEquals(ds, last(delDs).path("id").asText());
        assertEquals("dataset", last(delDs).path("kind").asText());
        assertFalse(ids(cli("datasets", "--limit", "1000")).contains(ds), "the deleted dataset is not listed");
        CliTest.Run again = cli("delete", "--dataset", ds);
        assertEquals(2, again.code());
        assertTrue(commandErr(again).get(0).startsWith("error: delete: the service refused it: 404"), again.err());

        // exactly one of --id, --dataset and --model
        CliTest.Run two = cli("delete", "--dataset", ds, "--model", model);
        assertEquals(2, two.code());
        assertEquals(1, commandErr(two).size(), two.err());
        assertTrue(two.err().contains("mutually exclusive"), two.err());
        CliTest.Run none2 = cli("delete");
        assertEquals(2, none2.code());
        assertEquals(List.of("error: delete: one of --id, --dataset or --model is required"), commandErr(none2));
    }

    private static List<String> ids(CliTest.Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        List<String> got = new java.util.ArrayList<>();
        for (String line : r.out().lines().toList()) {
            got.add(JSON.readTree(line).path("id").asText());
        }
        return got;
    }

    @Test
    void cancelAndRefusals() throws Exception {
        CliTest.Run s = cli("submit", "--job", "{\"type\":\"train\",\"dataset\":\"builtin:moons\",\"params\":{\"steps\":20000}}");
        assertEquals(0, s.code(), s.err());
        String id = last(s).path("id").asText();
        CliTest.Run c = cli("cancel", "--id", id);
        assertEquals(0, c.code(), c.err());
        assertTrue(List.of("cancelled", "cancelling").contains(last(c).path("status").asText()));
        CliTest.Run w = cli("wait", "--id", id, "--timeout", "120");
        assertEquals(1, w.code(), "a cancelled job is not a success: " + w.err());
        assertTrue(w.err().contains("cancelled"), w.err());

        CliTest.Run bad = cli("submit", "--job", "{\"type\":\"train\"}");
        assertEquals(2, bad.code());
        assertEquals(1, commandErr(bad).size(), bad.err());
        assertTrue(commandErr(bad).get(0).startsWith("error: submit: the service refused it: 422"), bad.err());
        CliTest.Run noKey = run("status", "--id", id, "--url", stack.url(), "--data-dir", tmp.resolve("nowhere").toString());
        assertEquals(2, noKey.code());
        assertTrue(noKey.err().contains("--key"), noKey.err());
        CliTest.Run missing = cli("status", "--id", "00000000-0000-0000-0000-000000000000");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("404"), missing.err());
    }

    @Test
    void jobsAreListedThroughTheirFiltersAndAFinishedOneDeleted() throws Exception {
        String batch = "b" + System.nanoTime();
        List<String> ids = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                CliTest.Run s = cli("submit", "--job", "{\"type\":\"train\",\"dataset\":\"builtin:moons\",\"name\":\"n"
                        + i + "\",\"metadata\":{\"batch\":\"" + batch + "\"},\"params\":{\"steps\":2000000}}");
                assertEquals(0, s.code(), s.err());
                ids.add(0, last(s).path("id").asText()); // newest first, as the list gives them
            }
            // the newest is queued or running, so its delete is refused; then all three are cancelled
            CliTest.Run busy = cli("delete", "--id", ids.get(0));
            assertEquals(2, busy.code(), busy.err());
            assertTrue(commandErr(busy).get(0).startsWith("error: delete: the service refused it: 409"), busy.err());
        } finally {
            // whatever failed above: jobs of two million steps left running would hold the stack's only worker
            for (String id : ids) {
                cli("cancel", "--id", id);
            }
        }
        for (String id : ids) {
            CliTest.Run w = cli("wait", "--id", id, "--timeout", "120");
            assertEquals(1, w.code(), w.err());
            assertTrue(w.err().contains("job " + id + " cancelled"), "ended cancelled: " + w.err());
        }

        assertEquals(ids, listed("--metadata", "batch=" + batch));
        assertEquals(ids.subList(0, 2), listed("--metadata", "batch=" + batch, "--limit", "2"));
        assertEquals(List.of(ids.get(1)), listed("--metadata", "batch=" + batch, "--name", "n1", "--status", "cancelled"));
        assertEquals(List.of(), listed("--metadata", "batch=" + batch, "--type", "generate"));

        CliTest.Run del = cli("delete", "--id", ids.get(1));
        assertEquals(0, del.code(), del.err());
        assertTrue(last(del).path("deleted").asBoolean());
        assertEquals(List.of(ids.get(0), ids.get(2)), listed("--metadata", "batch=" + batch));
        assertTrue(cli("status", "--id", ids.get(1)).err().contains("404"));

        CliTest.Run badStatus = cli("jobs", "--status", "done");
        assertEquals(2, badStatus.code());
        assertTrue(badStatus.err().contains("/query/status"), badStatus.err());
        CliTest.Run badPair = cli("jobs", "--metadata", "batch");
        assertEquals(2, badPair.code());
        assertEquals(1, commandErr(badPair).size(), badPair.err());
        assertTrue(badPair.err().contains("--metadata"), badPair.err());
    }

    /**
     * The command's own stderr lines: the stack runs in this JVM, and its threads' log lines (a
     * worker starting a job, say) land in the same captured stream, before or after the command's.
     */
    private static List<String> commandErr(CliTest.Run r) {
        return r.err().lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[.*")).toList();
    }

    private List<String> listed(String... filters) throws Exception {
        String[] args = new String[filters.length + 1];
        args[0] = "jobs";
        System.arraycopy(filters, 0, args, 1, filters.length);
        return ids(cli(args));
    }
}
