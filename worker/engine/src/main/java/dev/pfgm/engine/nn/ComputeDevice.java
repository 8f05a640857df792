package dev.pfgm.engine.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the arithmetic actually runs on: ND4J's backend (CpuBackend, JCublasBackend) and the device
 * (the CPU model and cores, or each GPU's name), for health checks and a job's provenance.
 */
public final class ComputeDevice {
    private static volatile String device;

    private ComputeDevice() {
    }

    public static String backend() {
        return Nd4j.getBackend().getClass().getSimpleName();
    }

    public static String device() {
        String d = device;
        if (d == null) {
            d = describe();
            device = d;
        }
        return d;
    }

    /** ND4J's native backend could not start on this machine; the message says what is missing, on one line. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Starts the backend now (it starts on first use), so that a node that cannot run it says so at once. */
    public static void requireAvailable() {
        try {
            backend();
            device();
        } catch (RuntimeException | LinkageError e) {
            throw new UnavailableException(unavailable(e).orElse("the ND4J backend cannot start: " + root(e)), e);
        }
    }

    /**
     * The one-line reason when {@code t} is ND4J's backend failing to load (a missing driver or
     * native library, seen as ExceptionInInitializerError, UnsatisfiedLinkError or
     * NoClassDefFoundError from ND4J or JavaCPP); empty for any other failure.
     */
    public static java.util.Optional<String> unavailable(Throwable t) {
        boolean native_ = false;
        boolean cuda = false;
        for (Throwable c : ExceptionUtils.getThrowableList(t)) { // ends where a cause chain loops
            if (c instanceof UnavailableException) {
                return java.util.Optional.of(c.getMessage());
            }
            String text = c.getClass().getName() + " " + c.getMessage();
            cuda |= text.toLowerCase(java.util.Locale.ROOT).contains("cuda") || text.contains("JCublas");
            if (c instanceof LinkageError) {
                for (StackTraceElement e : c.getStackTrace()) {
                    native_ |= e.getClassName().startsWith("org.nd4j.") || e.getClassName().startsWith("org.bytedeco.");
                    cuda |= e.getClassName().contains("jcublas") || e.getClassName().contains(".jita.");
                }
                native_ |= String.valueOf(c.getMessage()).contains("jnind4j") || String.valueOf(c.getMessage()).contains(
                        "jniopenblas");
            }
        }
        if (!native_) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(cuda
                ? "the CUDA backend cannot start on this node (" + root(t) + "): this build needs an NVIDIA driver for"
                        + " CUDA 11.6 (450.80.02 or newer) and a GPU visible to the process (in Docker: a GPU reservation"
                        + " or --gpus); the CPU build (without -Pcuda) runs anywhere"
                : "the ND4J CPU backend cannot start on this machine (" + root(t) + "): the default build needs Linux"
                        + " x86-64 with AVX2; build with -Pcpu-generic for other x86-64 CPUs or -Parm64 for arm64");
    }

    private static String root(Throwable t) {
        List<Throwable> chain = ExceptionUtils.getThrowableList(t);
        Throwable r = chain.get(chain.size() - 1);
        String m = r.getMessage();
        return r.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private static String describe() {
        Object gpus = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        if (gpus instanceof List<?> list && !list.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Object g : list) {
                names.add(g instanceof Map<?, ?> m ? String.valueOf(m.get("cuda.deviceName")) : String.valueOf(g));
            }
            return "gpu: " + String.join(", ", names);
        }
        return "cpu: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
