package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 7240's wait preference as clients spell it. */
class PreferWaitTest {
    @Test
    void theNameIsCaseInsensitiveAndTheValueATokenOrAQuotedString() {
        assertEquals(5, JobRoutes.preferredWait("wait=5"));
        assertEquals(5, JobRoutes.preferredWait("WAIT=5"));
        assertEquals(5, JobRoutes.preferredWait("Wait = \"5\""));
        assertEquals(30, JobRoutes.preferredWait("respond-async, wait=30"));
        assertEquals(7, JobRoutes.preferredWait("wait=007"));
        assertEquals(0, JobRoutes.preferredWait("wait=0"));
        assertEquals(60, JobRoutes.preferredWait("wait=61"));
        assertEquals(60, JobRoutes.preferredWait("wait=99999999999999999999"));
        // unusable values and other preferences are ignored, as the RFC says
        assertEquals(0, JobRoutes.preferredWait("wait=-5"));
        assertEquals(0, JobRoutes.preferredWait("wait=5s"));
        assertEquals(0, JobRoutes.preferredWait("wait=\"5"));
        assertEquals(0, JobRoutes.preferredWait("nowait=5"));
        assertEquals(0, JobRoutes.preferredWait(null));
    }
}
