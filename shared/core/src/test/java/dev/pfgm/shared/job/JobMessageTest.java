package dev.pfgm.shared.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobMessageTest {
    private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    @Test
    void aJobsMessageHasItsIdTypeAndAttemptAndNothingElse() {
        assertEquals("{\"job_id\":\"" + ID + "\",\"type\":\"generate\",\"after_attempt\":2}",
                JobMessage.of(ID, JobType.GENERATE, 2).toJson().toString());
        assertEquals("{\"job_id\":\"" + ID + "\",\"type\":\"synthesize\",\"shard\":7,\"after_attempt\":0}",
                new JobMessage(ID, JobType.SYNTHESIZE, 7, 0).toJson().toString());
    }

    @Test
    void readsBackWhatItWrites() {
        for (JobMessage m : new JobMessage[] {JobMessage.of(ID, JobType.TRAIN, 0), new JobMessage(ID, JobType.SYNTHESIZE, 12, 3)}) {
            assertEquals(m, JobMessage.parse(m.toJson().toString()));
        }
        // fields added later by the dead-letter path are ignored by readers
        assertEquals(JobMessage.of(ID, JobType.EVAL, 1), JobMessage.parse("{\"job_id\":\"" + ID
                + "\",\"type\":\"eval\",\"after_attempt\":1,\"error\":{\"code\":\"x\"}}"));
    }

    @Test
    void refusesWhatIsNotAJobMessage() {
        for (String bad : new String[] {"not json", "null", "{}", "{\"job_id\":\"nope\",\"type\":\"train\"}",
                "{\"job_id\":\"" + ID + "\",\"type\":\"bake\"}", "{\"type\":\"train\"}", "[1,2]"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobMessage.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), bad);
        }
    }
}
