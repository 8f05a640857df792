package dev.pfgm.shared.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class JobStatusTest {
    @Test
    void terminalStatesGoNowhere() {
        for (JobStatus s : JobStatus.values()) {
            boolean terminal = s == JobStatus.SUCCEEDED || s == JobStatus.FAILED || s == JobStatus.CANCELLED;
            assertEquals(terminal, s.terminal(), s.name());
            if (terminal) {
                for (JobStatus next : JobStatus.values()) {
                    assertFalse(s.canBecome(next), s + " -> " + next);
                }
            }
        }
    }

    @Test
    void lifecycle() {
        assertTrue(JobStatus.QUEUED.canBecome(JobStatus.RUNNING));
        assertTrue(JobStatus.QUEUED.canBecome(JobStatus.CANCELLED));
        assertFalse(JobStatus.QUEUED.canBecome(JobStatus.SUCCEEDED), "a job is never finished without running");
        assertTrue(JobStatus.RUNNING.canBecome(JobStatus.QUEUED), "an expired lease requeues");
        assertTrue(JobStatus.RUNNING.canBecome(JobStatus.CANCELLING));
        assertFalse(JobStatus.RUNNING.canBecome(JobStatus.RUNNING));
        assertEquals(EnumSet.of(JobStatus.RUNNING, JobStatus.CANCELLING), JobStatus.sourcesOf(JobStatus.SUCCEEDED));
        assertEquals(EnumSet.of(JobStatus.QUEUED), JobStatus.sourcesOf(JobStatus.RUNNING));
    }

    @Test
    void wireNames() {
        for (JobStatus s : JobStatus.values()) {
            assertEquals(s, JobStatus.parse(s.wireName()));
        }
        assertNull(JobStatus.parse("canceled"));
        assertEquals("pfgm.jobs.train", JobType.TRAIN.topic());
        assertEquals(JobType.LIKELIHOOD, JobType.parse("likelihood"));
        assertTrue(Topics.all().contains("pfgm.jobs.dlq"));
    }
}
