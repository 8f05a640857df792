package dev.pfgm.engine.model;

import dev.pfgm.shared.data.Dataset;
import java.time.Instant;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a model came from: its data (source, checksum, size, median nearest-neighbour distance in
 * standardised units and the charge jitter derived from it), seed, how training went, and the
 * software and platform it ran on (floating-point results can differ by platform and thread count).
 */
public record Provenance(
        String dataSource, String dataSha256, int dataCount, int dataDim,
        long seed, int steps, double finalLoss, double trainSeconds, double neighbourSpacing, double jitterStd,
        String createdAt,
        String engineVersion, String javaVersion, String os, String arch,
        String nd4jVersion, String nd4jBackend, String ompThreads) {

    public static Provenance capture(Dataset data, TrainSettings s, double finalLoss, double seconds,
                                     double neighbourSpacing, double jitterStd) {
        return capture(data.source(), data.sha256(), data.count(), data.dim(), s, finalLoss, seconds, neighbourSpacing,
                jitterStd);
    }

    public static Provenance capture(String source, String sha256, int count, int dim, TrainSettings s,
                                     double finalLoss, double seconds, double neighbourSpacing, double jitterStd) {
        return new Provenance(source, sha256, count, dim, s.seed(), s.steps(), finalLoss,
                seconds, neighbourSpacing, jitterStd, Instant.now().toString(), currentEngineVersion(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                currentNd4jVersion(), Nd4j.getBackend().getClass().getSimpleName(),
                String.valueOf(System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")));
    }

    public static String currentEngineVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String currentNd4jVersion() {
        String v = Nd4j.class.getPackage().getImplementationVersion();
        return v == null ? "1.0.0-M2.1" : v;
    }
}
