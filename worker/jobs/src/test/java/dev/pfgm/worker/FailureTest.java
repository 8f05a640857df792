package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.NonFiniteException;
import org.junit.jupiter.api.Test;

/** Which failures end a job at once and which earn another attempt. */
class FailureTest {
    @Test
    void theSameJobWouldFailTheSameWaySoItFailsAtOnce() {
        Failure bad = Failure.of(new InvalidInputException("dataset: no rows"));
        assertEquals("invalid_input", bad.code());
        assertFalse(bad.retryable());
        Failure nan = Failure.of(new NonFiniteException("the training loss is NaN at step 7"));
        assertEquals("non_finite", nan.code());
        assertFalse(nan.retryable());
        Failure oom = Failure.of(new OutOfMemoryError("Java heap space"));
        assertEquals("out_of_memory", oom.code());
        assertFalse(oom.retryable());
        assertTrue(oom.message().contains("MiB"), oom.message());
        assertFalse(nan.json().path("retryable").asBoolean());
    }

    @Test
    void nativeMemoryRefusedInsideTheEngineIsOutOfMemoryToo() {
        // what ND4J's allocator throws past javacpp's limit, as the engine wraps it
        Failure f = Failure.of(new IllegalStateException("making a training batch failed", new OutOfMemoryError(
                "Cannot allocate new LongPointer(2): totalBytes = 0, physicalBytes = 5161M")));
        assertEquals("out_of_memory", f.code());
        assertFalse(f.retryable());
        assertTrue(f.message().contains("physicalBytes = 5161M"), f.message());
    }

    @Test
    void whatIsNotUnderstoodIsRetried() {
        Failure f = Failure.of(new IllegalStateException("boom"));
        assertEquals("internal", f.code());
        assertTrue(f.retryable());
        assertEquals("IllegalStateException: boom", f.message());
    }

    @Test
    void aNonFiniteLossIsRefusedWithItsStep() {
        NonFiniteException e = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteException.class,
                () -> NonFiniteException.checkLoss(Double.NaN, 12));
        assertTrue(e.getMessage().contains("step 12"), e.getMessage());
        NonFiniteException.checkLoss(0.5, 1);
    }
}
