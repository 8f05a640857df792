package dev.pfgm.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a node that cannot run the backend is told, and what the backend here reports. */
class ComputeDeviceTest {
    private static <T extends Throwable> T from(T t, String className) {
        t.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "init", "X.java", 1)});
        return t;
    }

    @Test
    void aCudaBuildOnANodeWithoutTheDriverSaysWhatIsMissingInOneLine() {
        // the shape of what ND4J's CUDA backend throws where libcuda is missing or too old
        Throwable t = from(new ExceptionInInitializerError(new RuntimeException(
                "cudaGetDeviceCount(...) failed; Error code: [35]: CUDA driver version is insufficient for CUDA runtime"
                        + " version\n\tat more")), "org.nd4j.jita.concurrency.CudaAffinityManager");
        String m = ComputeDevice.unavailable(t).orElseThrow();
        assertTrue(m.startsWith("the CUDA backend cannot start on this node"), m);
        assertTrue(m.contains("CUDA driver version is insufficient"), m);
        assertTrue(m.contains("450.80.02"), m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    @Test
    void aCpuBuildWithoutItsNativeLibrarySaysWhichBuildToUse() {
        Throwable t = from(new UnsatisfiedLinkError("no jnind4jcpu in java.library.path"), "org.bytedeco.javacpp.Loader");
        String m = ComputeDevice.unavailable(new IllegalStateException("train failed", t)).orElseThrow();
        assertTrue(m.contains("CPU backend") && m.contains("-Parm64") && m.contains("jnind4jcpu"), m);
    }

    @Test
    @Timeout(10)
    void otherFailuresAreNotBlamedOnTheBackend() {
        assertTrue(ComputeDevice.unavailable(new IllegalStateException("boom")).isEmpty());
        // a cause chain that loops back on itself ends the search
        IllegalStateException a = new IllegalStateException("a");
        a.initCause(new IllegalStateException("b", a));
        assertTrue(ComputeDevice.unavailable(a).isEmpty());
        assertTrue(ComputeDevice.unavailable(new OutOfMemoryError("Java heap space")).isEmpty());
    }

    @Test
    void thisMachineRunsTheCpuBackend() {
        ComputeDevice.requireAvailable();
        assertEquals("CpuBackend", ComputeDevice.backend());
        assertTrue(ComputeDevice.device().startsWith("cpu: ") && ComputeDevice.device().endsWith(" cores"),
                ComputeDevice.device());
    }
}
