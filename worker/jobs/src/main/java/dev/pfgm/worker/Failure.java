package dev.pfgm.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.NonFiniteException;
import dev.pfgm.shared.store.DependencyWait;
import dev.pfgm.shared.store.Json;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Why an attempt failed, and whether another attempt could do better. Permanent: the data or
 * settings are refused, the arithmetic went non-finite, or the job needs more memory than a worker
 * has; the same job would fail the same way, so it fails at once. Transient: a dependency that
 * stayed away longer than the worker waited for it, or a failure not understood.
 */
record Failure(String code, String message, boolean retryable) {

    static Failure of(Throwable t) {
        if (t instanceof InvalidInputException) {
            return new Failure("invalid_input", t.getMessage(), false);
        }
        if (t instanceof NonFiniteException) {
            return new Failure("non_finite", t.getMessage(), false);
        }
        OutOfMemoryError oom = ExceptionUtils.throwableOfType(t, OutOfMemoryError.class);
        if (oom != null) {
            // ND4J's arrays live outside the heap; javacpp refuses them past its own limits, and
            // the engine may wrap that refusal, hence the search down the causes (which ends where
            // a cause chain loops back on itself)
            String where = String.valueOf(oom.getMessage()).contains("Java heap space")
                    ? "this worker's heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)"
                    : "this worker's memory (" + oom.getMessage() + ")";
            return new Failure("out_of_memory", "the job needs more memory than " + where
                    + "; make it smaller (count, batch, network size) or give workers more memory", false);
        }
        if (DependencyWait.unavailable(t)) {
            return new Failure("dependency_unavailable", message(t), true);
        }
        return new Failure("internal", message(t), true);
    }

    ObjectNode json() {
        return Json.object().put("code", code).put("message", message).put("retryable", retryable);
    }

    static String message(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
