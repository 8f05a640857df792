package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.NonFiniteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    /**
     * Causes are searched to the end of the chain, and a chain that loops back on itself (Throwable
     * allows A -> B -> A) ends the search instead of spinning the worker's thread for ever.
     */
    @Test
    @Timeout(10)
    void theWholeCauseChainIsSearchedAndALoopEndsTheSearch() {
        Throwable t = new OutOfMemoryError("Java heap space");
        for (int i = 0; i < 40; i++) {
            t = new IllegalStateException("wrapper " + i, t);
        }
        Failure deep = Failure.of(t);
        assertEquals("out_of_memory", deep.code());
        assertTrue(deep.message().contains("this worker's heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)"),
                deep.message());
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        Failure looped = Failure.of(a);
        assertEquals("internal", looped.code());
        assertTrue(looped.retryable());
        // the members of a loop are still searched
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        IllegalStateException wrapper = new IllegalStateException("wrapper", oom);
        oom.initCause(wrapper);
        assertEquals("out_of_memory", Failure.of(wrapper).code());
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
