package dev.pfgm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The client against a scripted server: what it retries, with which key, and what it gives up on. */
class PfgmClientTest {
    @Test
    void a503IsRetriedAfterItsRetryAfterUnderTheSameIdempotencyKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer s = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        s.createContext("/v1/jobs", ex -> {
            keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            ex.getRequestBody().readAllBytes();
            byte[] body;
            if (keys.size() == 1) {
                ex.getResponseHeaders().set("Retry-After", "1");
                ex.getResponseHeaders().set("Content-Type", "application/problem+json");
                body = "{\"title\":\"Service Unavailable\",\"status\":503}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(503, body.length);
            } else {
                body = "{\"id\":\"j1\",\"status\":\"queued\"}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(202, body.length);
            }
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        try {
            PfgmClient c = new PfgmClient("http://127.0.0.1:" + s.getAddress().getPort(), "k");
            long t0 = System.nanoTime();
            var job = c.submit(new ObjectMapper().readTree("{\"type\":\"train\"}"), null);
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
        HttpServer s = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        s.createContext("/v1/jobs", ex -> {
            calls[0]++;
            byte[] body = ("{\"title\":\"Unprocessable Content\",\"status\":422,\"detail\":\"invalid request\","
                    + "\"errors\":[{\"pointer\":\"/dataset\",\"message\":\"is required\"}]}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(422, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        try {
            PfgmClient c = new PfgmClient("http://127.0.0.1:" + s.getAddress().getPort(), "k");
            PfgmClient.ApiError e = assertThrows(PfgmClient.ApiError.class,
                    () -> c.submit(new ObjectMapper().readTree("{\"type\":\"train\"}"), "key-1"));
            assertEquals(422, e.status());
            assertTrue(e.getMessage().contains("/dataset: is required"), e.getMessage());
            assertEquals(1, calls[0]);
        } finally {
            s.stop(0);
        }
    }
}
