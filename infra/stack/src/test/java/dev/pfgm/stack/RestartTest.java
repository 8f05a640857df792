package dev.pfgm.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole stack stopped and started again on the same folder keeps datasets, jobs and keys. */
@Tag("slow")
class RestartTest {
    @Test
    void restartKeepsEverything(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("stack");
        String key;
        String dataset;
        String job;
        try (Stack first = Stack.start(new Stack.Options(dir, 0, 0, Map.of()))) {
            assertTrue(first.firstStart());
            key = first.adminKey();
            assertEquals(key, Files.readString(dir.resolve("api-key")).strip());
            assertTrue(Files.readString(dir.resolve("stack.env")).contains("PFGM_KAFKA_BOOTSTRAP="));
            // the files that hold secrets (the admin key, the store's secret) are the owner's alone: they were 0644
            for (String secret : new String[] {"api-key", "stack.env", "stack.properties"}) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(secret))), secret);
            }
            Http api = new Http(first.url(), key);
            dataset = api.postBytes("/v1/datasets?name=kept&format=csv", "1,2\n2,3\n4,1\n".getBytes(UTF_8)).json()
                    .path("id").asText();
            // no workers: the job waits in the queue across the restart
            Http.Res r = api.postJson("/v1/jobs", Map.of("type", "train", "dataset", dataset,
                    "params", Map.of("steps", 5)));
            assertEquals(202, r.status(), r.toString());
            job = r.json().path("id").asText();
        }
        try (Stack second = Stack.start(new Stack.Options(dir, 0, 1, Map.of()))) {
            assertEquals(key, second.adminKey());
            Http api = new Http(second.url(), key);
            assertEquals("kept", api.get("/v1/datasets/" + dataset).json().path("name").asText());
            JsonNode j = null;
            for (int i = 0; i < 600; i++) {
                j = api.get("/v1/jobs/" + job).json();
                if (j.path("terminal").asBoolean()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("succeeded", j.path("status").asText(), String.valueOf(j));
        }
    }
}
