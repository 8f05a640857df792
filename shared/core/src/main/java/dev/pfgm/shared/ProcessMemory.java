package dev.pfgm.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's memory as Linux reports it in /proc/PID/status; -1 where there is no such file. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Resident set now (VmRSS), bytes. */
    public static long residentBytes(long pid) {
        return field(pid, "VmRSS:");
    }

    /** Peak resident set (VmHWM), bytes. */
    public static long peakResidentBytes(long pid) {
        return field(pid, "VmHWM:");
    }

    private static long field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // the file says kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
