package dev.pfgm.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.store.JobStore;
import java.util.UUID;

/**
 * Where a running attempt's progress and events go: the job's row and its event log. The reporters
 * write through this rather than through {@link JobStore} so their throttling and wording are tested
 * without a database.
 */
interface JobEvents {
    /** Replaces the job's progress, if this attempt still holds it. */
    void progress(ObjectNode snapshot);

    /** Appends an event of {@code kind} (log, metric) to the job. */
    void log(String kind, ObjectNode data);

    static JobEvents of(JobStore jobs, UUID id, String owner, int attempt) {
        return new JobEvents() {
            @Override
            public void progress(ObjectNode snapshot) {
                jobs.progress(id, owner, attempt, snapshot); // false: the lease is gone, and the work stops at its next check
            }

            @Override
            public void log(String kind, ObjectNode data) {
                jobs.log(id, kind, data);
            }
        };
    }
}
