package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void aLineIsLogfmtWithTheSignatureOfAFileLinkReplaced() {
        assertEquals("method=\"GET\" path=\"/v1/jobs/j1\" status=200 bytes=512 ms=3.2 client=\"127.0.0.1\"",
                AccessLog.line("GET", "/v1/jobs/j1", 200, 512, 3_200_000, "127.0.0.1"));
        assertEquals("/v1/files/(signed)/jobs/j1/samples.csv",
                AccessLog.redacted("/v1/files/1765000000.c2lnbmF0dXJl/jobs/j1/samples.csv"));
        assertEquals("/v1/files/(signed)", AccessLog.redacted("/v1/files/1765000000.c2ln"));
        assertEquals("/v1/filesystem", AccessLog.redacted("/v1/filesystem"));
    }

    /** What a client sent cannot break the line or forge another field: quotes escaped, control characters replaced. */
    @Test
    void aClientsBytesStayInsideTheirQuotedValue() {
        String line = AccessLog.line("GE\"T", "/a\" status=500 x=\"\n2026 forged line\\", 404, 0, 0, null);
        assertEquals("method=\"GE\\\"T\" path=\"/a\\\" status=500 x=\\\"?2026 forged line\\\\\" status=404 bytes=0"
                + " ms=0.0 client=-", line);
        assertEquals(1, line.lines().count());
        String longPath = "/" + "x".repeat(10_000);
        assertTrue(AccessLog.line("GET", longPath, 404, 0, 0, null).length() < 300, "a long path is cut");
        assertEquals("method=- path=- status=400 bytes=0 ms=0.0 client=-", AccessLog.line(null, null, 400, 0, 0, null));
    }
}
