package dev.pfgm.shared.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The machine JobTransition declares: its shape, and the SQL the store builds from it. */
class JobStatusTest {
    @Test
    void theTerminalStatusesAreThoseNoTransitionLeaves() {
        assertEquals(EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED), JobStatus.TERMINAL);
        for (JobStatus s : JobStatus.values()) {
            assertEquals(JobStatus.TERMINAL.contains(s), s.terminal(), s.name());
        }
        assertEquals(EnumSet.allOf(JobStatus.class), union(JobStatus.TERMINAL, JobStatus.UNFINISHED));
        assertTrue(JobStatus.UNFINISHED.containsAll(JobStatus.ACTIVE));
    }

    @Test
    void everyStatusIsReachedFromQueuedAndReachesAnEnd() {
        Set<JobStatus> reached = EnumSet.of(JobStatus.QUEUED);
        ArrayDeque<JobStatus> todo = new ArrayDeque<>(reached);
        while (!todo.isEmpty()) {
            JobStatus s = todo.poll();
            for (JobStatus next : JobStatus.values()) {
                if (JobTransition.of(s, next) != null && reached.add(next)) {
                    todo.add(next);
                }
            }
        }
        assertEquals(EnumSet.allOf(JobStatus.class), reached);
        for (JobStatus s : JobStatus.UNFINISHED) {
            assertTrue(JobStatus.TERMINAL.stream().anyMatch(t -> leadsTo(s, t, EnumSet.noneOf(JobStatus.class))),
                    s + " reaches an end");
        }
    }

    @Test
    void noTransitionIsDeclaredTwiceOrLeavesAnEnd() {
        for (JobTransition t : JobTransition.values()) {
            assertEquals(t, JobTransition.of(t.from(), t.to()), t.name());
            assertTrue(!t.from().terminal() && t.from() != t.to(), t.name());
        }
        assertNull(JobTransition.of(JobStatus.CANCELLING, JobStatus.SUCCEEDED), "a job asked to stop never succeeds");
        assertNull(JobTransition.of(JobStatus.QUEUED, JobStatus.SUCCEEDED), "nor finishes without running");
    }

    @Test
    void theSqlNamesTheStatusesByTheirWireNames() {
        assertEquals("status = 'cancelling'", JobTransition.ASK_TO_STOP.set());
        assertEquals("status = 'running'", JobTransition.ASK_TO_STOP.guard());
        assertEquals("status IN ('running', 'cancelling')", JobTransition.statusIn(JobStatus.ACTIVE));
    }

    @Test
    void parsesWireNames() {
        for (JobStatus s : JobStatus.values()) {
            assertEquals(s, JobStatus.parse(s.wireName()));
        }
        assertNull(JobStatus.parse("QUEUED"));
        assertNull(JobStatus.parse("done"));
    }

    /** docs/architecture.md draws the machine; the drawing must be this declaration's. */
    @Test
    void theDocumentedDiagramIsTheDeclaredMachine() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../../docs/architecture.md"));
        int start = doc.indexOf("stateDiagram-v2\n");
        assertTrue(start >= 0, "docs/architecture.md has a stateDiagram-v2 block");
        String drawn = doc.substring(start + "stateDiagram-v2\n".length(), doc.indexOf("```", start)).strip();
        java.util.List<String> expected = new java.util.ArrayList<>();
        expected.add("[*] --> queued");
        for (JobTransition t : JobTransition.values()) {
            expected.add(t.from().wireName() + " --> " + t.to().wireName() + ": " + t.name().toLowerCase(java.util.Locale.ROOT));
        }
        for (JobStatus s : JobStatus.TERMINAL) {
            expected.add(s.wireName() + " --> [*]");
        }
        assertEquals(String.join("\n", expected), drawn.lines().map(String::strip)
                .collect(java.util.stream.Collectors.joining("\n")));
    }

    private static boolean leadsTo(JobStatus from, JobStatus end, Set<JobStatus> seen) {
        if (from == end) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (JobStatus next : JobStatus.values()) {
            if (JobTransition.of(from, next) != null && leadsTo(next, end, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Set<JobStatus> union(Set<JobStatus> a, Set<JobStatus> b) {
        Set<JobStatus> u = EnumSet.copyOf(a);
        u.addAll(b);
        return u;
    }
}
