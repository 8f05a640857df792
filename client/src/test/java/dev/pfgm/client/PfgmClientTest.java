package dev.pfgm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The client against a scripted server: what it retries, with which key, and what it gives up on. */
class PfgmClientTest {
    /** A scripted server answering {@code path} with {@code handler}, on a loopback port. */
    private static HttpServer serve(String path, HttpHandler handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        s.createContext(path, handler);
        s.start();
        return s;
    }

    private static PfgmClient client(HttpServer s) {
        return new PfgmClient("http://127.0.0.1:" + s.getAddress().getPort(), "k");
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterUnderTheSameIdempotencyKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer s = serve("/v1/jobs", ex -> {
            keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            ex.getRequestBody().readAllBytes();
            if (keys.size() == 1) {
                ex.getResponseHeaders().set("Retry-After", "1");
                ex.getResponseHeaders().set("Content-Type", "application/problem+json");
                reply(ex, 503, "{\"title\":\"Service Unavailable\",\"status\":503}");
            } else {
                reply(ex, 202, "{\"id\":\"j1\",\"status\":\"queued\"}");
            }
        });
        try {
            long t0 = System.nanoTime();
            var job = client(s).submit(new ObjectMapper().readTree("{\"type\":\"train\"}"), null);
            assertEquals("j1", job.path("id").asText());
            assertEquals(2, keys.size());
            assertEquals(keys.get(0), keys.get(1), "a retried submission names the same job");
            assertTrue(keys.get(0) != null && !keys.get(0).isEmpty());
            assertTrue((System.nanoTime() - t0) / 1e9 >= 0.9, "it waited the Retry-After");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aRefusalIsAnErrorWithTheProblemsDetailAndIsNotRetried() throws Exception {
        int[] calls = {0};
        HttpServer s = serve("/v1/jobs", ex -> {
            calls[0]++;
            reply(ex, 422, "{\"title\":\"Unprocessable Content\",\"status\":422,\"detail\":\"invalid request\","
                    + "\"errors\":[{\"pointer\":\"/dataset\",\"message\":\"is required\"}]}");
        });
        try {
            PfgmClient c = client(s);
            PfgmClient.ApiError e = assertThrows(PfgmClient.ApiError.class,
                    () -> c.submit(new ObjectMapper().readTree("{\"type\":\"train\"}"), "key-1"));
            assertEquals(422, e.status());
            assertTrue(e.getMessage().contains("/dataset: is required"), e.getMessage());
            assertEquals(1, calls[0]);
        } finally {
            s.stop(0);
        }
    }

    /** An error page far larger than any problem document (a proxy's, say) is read only to the bound. */
    @Test
    void anErrorBodyIsReadOnlyToItsBound() throws Exception {
        HttpServer s = serve("/v1/jobs", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(502, 0);
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'x');
            try {
                for (int i = 0; i < 256; i++) {
                    ex.getResponseBody().write(block);
                }
            } catch (IOException clientWentAway) {
                // expected: the client stops reading at its bound
            }
            ex.close();
        });
        try {
            PfgmClient c = client(s);
            long t0 = System.nanoTime();
            PfgmClient.ApiError e = assertThrows(PfgmClient.ApiError.class,
                    () -> c.submit(new ObjectMapper().readTree("{\"type\":\"train\"}"), "key-1"));
            assertEquals(502, e.status());
            int length = e.getMessage().length();
            assertEquals(4 + PfgmClient.MAX_ERROR_BODY, length, "the message's length");
            assertEquals("502 " + "x".repeat(PfgmClient.MAX_ERROR_BODY), e.getMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "it did not read the 256 MiB");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertEquals(5, PfgmClient.retryAfterSeconds("5", now, 9));
        assertEquals(5, PfgmClient.retryAfterSeconds(" 5 ", now, 9));
        assertEquals(3, PfgmClient.retryAfterSeconds("Sun, 06 Dec 2026 10:00:03 GMT", now, 9));
        assertEquals(0, PfgmClient.retryAfterSeconds("Sun, 06 Dec 2026 09:59:00 GMT", now, 9), "a date passed");
        assertEquals(9, PfgmClient.retryAfterSeconds(null, now, 9));
        assertEquals(9, PfgmClient.retryAfterSeconds("soon", now, 9));
        assertEquals(9, PfgmClient.retryAfterSeconds("-1", now, 9));
        assertEquals(9, PfgmClient.retryAfterSeconds("99999999999999999999", now, 9), "no overflow");
    }

    /** await polls with the job's ETag and hands each poll's job to its listener (the same one after a 304). */
    @Test
    void awaitPollsWithTheEtagUntilTheJobEnds() throws Exception {
        List<String> ifNoneMatch = new CopyOnWriteArrayList<>();
        int[] gets = {0};
        HttpServer s = serve("/v1/jobs/j1", ex -> {
            gets[0]++;
            ifNoneMatch.add(String.valueOf(ex.getRequestHeaders().getFirst("If-None-Match")));
            if (gets[0] == 3 || gets[0] == 4) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().set("ETag", "\"v" + gets[0] + "\"");
            reply(ex, 200, "{\"id\":\"j1\",\"status\":\"" + (gets[0] < 5 ? "running" : "succeeded")
                    + "\",\"terminal\":" + (gets[0] >= 5) + "}");
        });
        try {
            List<String> seen = new CopyOnWriteArrayList<>();
            var job = client(s).await("j1", Duration.ofSeconds(30), j -> seen.add(j.path("status").asText()));
            assertEquals("succeeded", job.path("status").asText());
            assertEquals(5, gets[0]);
            // the first read has no tag to send; each poll sends the tag of the last full answer, kept
            // across 304s
            assertEquals(List.of("null", "\"v1\"", "\"v2\"", "\"v2\"", "\"v2\""), ifNoneMatch);
            assertEquals(List.of("running", "running", "running", "running", "succeeded"), seen);
        } finally {
            s.stop(0);
        }
    }

    /** A 200 must carry a JSON object (an empty body was a job of null); and its size is bounded. */
    @Test
    void aSuccessWithoutAJsonBodyOrWithAnEndlessOneIsAnError() throws Exception {
        HttpServer empty = serve("/v1/jobs/j1", ex -> reply(ex, 200, ""));
        try {
            IOException e = assertThrows(IOException.class, () -> client(empty).job("j1"));
            assertTrue(e.getMessage().contains("without a JSON object"), e.getMessage());
        } finally {
            empty.stop(0);
        }
        HttpServer endless = serve("/v1/jobs/j1", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, and more than any answer of the API
            byte[] zeros = "0,".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
            ex.getResponseBody().write('[');
            for (int i = 0; i < 200; i++) {
                ex.getResponseBody().write(zeros);
            }
            ex.close();
        });
        try {
            IOException e = assertThrows(IOException.class, () -> client(endless).job("j1"));
            assertTrue(e.getMessage().contains("more than"), e.getMessage());
        } finally {
            endless.stop(0);
        }
    }

    @Test
    void aBodyThatStopsArrivingIsGivenUpOnAfterTheStallLimit() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer stalls = serve("/v1/jobs/j1", ex -> {
            ex.sendResponseHeaders(200, 100);
            ex.getResponseBody().write("{\"id\":".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            try {
                release.await(); // the headers came, the rest of the body never does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        try {
            PfgmClient c = new PfgmClient("http://127.0.0.1:" + stalls.getAddress().getPort(), "k", 1,
                    java.time.Duration.ofMillis(400));
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> c.job("j1"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(e.getMessage().contains("sent no byte of its answer for"), e.getMessage());
            assertTrue(seconds < 5, "gave up after " + seconds + " s");
        } finally {
            release.countDown();
            stalls.stop(0);
        }
    }

    @Test
    void aBadUrlOrKeyIsRefusedWithoutEchoingTheKey() {
        for (String url : new String[] {"http://exa mple.com", "ftp://h", "http://", "http://127.0.0.1:99999"}) {
            assertThrows(IllegalArgumentException.class, () -> new PfgmClient(url, "k"), url);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PfgmClient("http://127.0.0.1:1", "secret\nvalue"));
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }
    /** A download whose bytes do not hash to the listed SHA-256 is an error that writes nothing. */
    @Test
    void aDownloadIsCheckedAgainstItsListedSha256(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] served = "abcdef".getBytes(StandardCharsets.UTF_8);
        HttpServer s = serve("/v1/jobs/j1/artifacts/f.bin", ex -> {
            ex.sendResponseHeaders(200, served.length);
            ex.getResponseBody().write(served);
            ex.close();
        });
        try {
            PfgmClient c = client(s);
            String right = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(served));
            java.nio.file.Path target = dir.resolve("f.bin");
            IOException e = assertThrows(IOException.class, () -> c.download("j1", "f.bin", target, "00" + right.substring(2)));
            assertTrue(e.getMessage().contains("not the file the service listed"), e.getMessage());
            assertTrue(!java.nio.file.Files.exists(target), "nothing written");
            try (var left = java.nio.file.Files.list(dir)) {
                assertEquals(0, left.count(), "no temporary file left");
            }
            c.download("j1", "f.bin", target, right.toUpperCase(java.util.Locale.ROOT));
            assertEquals("abcdef", java.nio.file.Files.readString(target));
        } finally {
            s.stop(0);
        }
    }

    /** A listing longer than a page is followed to its end; a next page that leads elsewhere is refused. */
    @Test
    void allArtifactsFollowsTheListingPageByPage() throws Exception {
        java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer s = serve("/v1/jobs/j1/artifacts", ex -> {
            String query = ex.getRequestURI().getRawQuery();
            asked.add(query == null ? "" : query);
            if (query == null) {
                reply(ex, 200, "{\"files\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"has_more\": true,"
                        + " \"next\": \"/v1/jobs/j1/artifacts?limit=2&after=b\"}");
            } else if (query.equals("limit=2&after=b")) {
                reply(ex, 200, "{\"files\": [{\"name\": \"c\"}], \"has_more\": false, \"next\": null}");
            } else {
                reply(ex, 404, "{}");
            }
        });
        HttpServer astray = serve("/v1/jobs/j2/artifacts", ex -> reply(ex, 200,
                "{\"files\": [{\"name\": \"a\"}], \"has_more\": true, \"next\": \"/v1/jobs/j3/artifacts?after=a\"}"));
        try {
            java.util.List<String> names = new java.util.ArrayList<>();
            client(s).allArtifacts("j1").forEach(f -> names.add(f.path("name").asText()));
            assertEquals(java.util.List.of("a", "b", "c"), names);
            assertEquals(java.util.List.of("", "limit=2&after=b"), asked);
            // stopped on the first page: the second is not fetched
            asked.clear();
            client(s).eachArtifact("j1", f -> !f.path("name").asText().equals("b"));
            assertEquals(java.util.List.of(""), asked);
            IOException e = assertThrows(IOException.class, () -> client(astray).allArtifacts("j2"));
            assertTrue(e.getMessage().contains("will not follow"), e.getMessage());
        } finally {
            s.stop(0);
            astray.stop(0);
        }
    }

    /** The filter travels as the list's query, encoded; the pages are followed; delete is a DELETE. */
    @Test
    void jobsAreListedThroughTheirFilterPageByPageAndDeleted() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer s = serve("/v1/jobs", ex -> {
            asked.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
            String query = String.valueOf(ex.getRequestURI().getRawQuery());
            if (ex.getRequestMethod().equals("DELETE")) {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            } else if (!query.contains("after=")) {
                reply(ex, 200, "{\"data\": [{\"id\": \"j3\"}, {\"id\": \"j2\"}], \"has_more\": true,"
                        + " \"next\": \"/v1/jobs?limit=2&status=failed&after=j2\"}");
            } else {
                reply(ex, 200, "{\"data\": [{\"id\": \"j1\"}], \"has_more\": false, \"next\": null}");
            }
        });
        try {
            List<String> ids = new java.util.ArrayList<>();
            JobFilter filter = JobFilter.all().withStatus("failed").withName("a b&c").withMetadata("run", "7=x")
                    .withMetadata("batch", "2");
            client(s).eachJob(filter, j -> ids.add(j.path("id").asText()));
            assertEquals(List.of("j3", "j2", "j1"), ids);
            assertEquals(List.of("GET /v1/jobs?status=failed&name=a+b%26c&metadata%5Bbatch%5D=2&metadata%5Brun%5D=7%3Dx",
                    "GET /v1/jobs?limit=2&status=failed&after=j2"), asked);
            asked.clear();
            assertEquals(2, client(s).jobs(JobFilter.all()).path("data").size());
            assertEquals(List.of("GET /v1/jobs?null"), asked);
            asked.clear();
            client(s).delete("j1");
            assertEquals(List.of("DELETE /v1/jobs/j1?null"), asked);
        } finally {
            s.stop(0);
        }
    }

    /**
     * A page size travels as {@code limit}, held to the service's largest page (a larger one would be
     * its 400); datasets and models are walked and deleted at their own paths.
     */
    @Test
    void pageSizesAreAskedForAndDatasetsAndModelsListedAndDeleted() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpHandler handler = ex -> {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            asked.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            if (ex.getRequestMethod().equals("DELETE")) {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            } else if (query == null || !query.contains("after=")) {
                reply(ex, 200, "{\"data\": [{\"id\": \"a\"}], \"has_more\": true, \"next\": \"" + path
                        + "?limit=1&after=a\"}");
            } else {
                reply(ex, 200, "{\"data\": [{\"id\": \"b\"}], \"has_more\": false, \"next\": null}");
            }
        };
        HttpServer s = serve("/v1/", handler);
        try {
            PfgmClient c = client(s);
            List<String> ids = new java.util.ArrayList<>();
            c.eachJob(JobFilter.all().withType("train"), 5000, j -> ids.add(j.path("id").asText()));
            c.eachDataset(1, d -> ids.add(d.path("id").asText()));
            c.eachModel(0, m -> ids.add(m.path("id").asText()));
            c.eachModel(7, m -> {
                ids.add(m.path("id").asText());
                return false; // enough: no second page is asked for
            });
            assertEquals(List.of("a", "b", "a", "b", "a", "b", "a"), ids);
            assertEquals(List.of("GET /v1/jobs?type=train&limit=200", "GET /v1/jobs?limit=1&after=a",
                    "GET /v1/datasets?limit=1", "GET /v1/datasets?limit=1&after=a",
                    "GET /v1/models", "GET /v1/models?limit=1&after=a", "GET /v1/models?limit=7"), asked);
            asked.clear();
            c.eachDataset(1_000_000, d -> false);
            c.deleteDataset("d 1");
            c.deleteModel("m1");
            assertEquals(List.of("GET /v1/datasets?limit=1000", "DELETE /v1/datasets/d%201", "DELETE /v1/models/m1"),
                    asked);
        } finally {
            s.stop(0);
        }
    }

    /** Nothing listening: the error says where it tried (ConnectException has no message of its own). */
    @Test
    void anUnreachableServiceIsNamed() throws Exception {
        HttpServer s = serve("/", ex -> ex.close());
        int port = s.getAddress().getPort();
        s.stop(0);
        PfgmClient c = new PfgmClient("http://127.0.0.1:" + port, "k", 1, java.time.Duration.ofSeconds(5));
        IOException e = assertThrows(IOException.class, () -> c.job("j1"));
        assertTrue(e.getMessage().contains("cannot reach http://127.0.0.1:" + port), e.getMessage());
    }

    /**
     * A download redirected to another host (a presigned URL) is fetched there without the API key,
     * and no other call follows a redirect: the client followed them all with Authorization set.
     */
    @Test
    void aRedirectedDownloadGoesWithoutTheKeyAndOtherCallsFollowNone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> seenAtStore = new CopyOnWriteArrayList<>();
        HttpServer store = serve("/bucket/f.bin", ex -> {
            seenAtStore.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            reply(ex, 200, "stored bytes");
        });
        String signed = "http://localhost:" + store.getAddress().getPort() + "/bucket/f.bin?X-Amz-Signature=abc";
        HttpServer s = serve("/v1/jobs/", ex -> {
            ex.getResponseHeaders().set("Location", signed);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        try {
            PfgmClient c = client(s);
            java.nio.file.Path got = c.download("j1", "f.bin", dir.resolve("f.bin"));
            assertEquals("stored bytes", java.nio.file.Files.readString(got));
            assertEquals(List.of("null"), seenAtStore, "the store was not given the key");
            IOException e = assertThrows(IOException.class, () -> c.job("j1"));
            assertTrue(e.getMessage().contains("a redirect this call does not follow"), e.getMessage());
            assertEquals(1, seenAtStore.size());
        } finally {
            s.stop(0);
            store.stop(0);
        }
    }

    /**
     * An upload whose connection is lost after it was sent is not sent again (the service may have
     * stored it: a second would be a second dataset); a missing file is said so, without retries.
     */
    @Test
    void anUploadIsNotRepeatedAndAMissingFileIsNoNetworkError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int[] stored = {0};
        HttpServer s = serve("/v1/datasets", ex -> {
            ex.getRequestBody().readAllBytes();
            stored[0]++;
            ex.close(); // stored, then the connection drops before an answer
        });
        try {
            PfgmClient c = client(s);
            java.nio.file.Path csv = java.nio.file.Files.writeString(dir.resolve("d.csv"), "x,y\n1,2\n");
            assertThrows(IOException.class, () -> c.upload(csv, "d", null));
            assertEquals(1, stored[0], "sent once");
            long t0 = System.nanoTime();
            IOException missing = assertThrows(IOException.class, () -> c.upload(dir.resolve("none.csv"), "d", null));
            assertTrue(missing instanceof java.io.FileNotFoundException, missing.toString());
            assertTrue((System.nanoTime() - t0) / 1e9 < 1, "not retried");
            assertEquals(1, stored[0]);
        } finally {
            s.stop(0);
        }
        assertThrows(IllegalArgumentException.class, () -> new PfgmClient("http://127.0.0.1:1", "k", 0));
    }
}
