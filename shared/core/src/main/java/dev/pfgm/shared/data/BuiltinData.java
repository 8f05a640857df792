package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Bundled data sets, named {@code builtin:NAME}: four 2-D shapes and a 6-D Gaussian mixture. Each is
 * 20,000 points drawn with a fixed seed, so a name always means the same bytes. ring8 and mixture6
 * are Gaussian mixtures, so their density is known ({@link #density}) and a likelihood can be set
 * beside the truth.
 */
public final class BuiltinData {
    public static final String PREFIX = "builtin:";
    public static final int COUNT = 20_000;

    private static final Map<String, BiConsumer<SplittableRandom, double[]>> SETS = new TreeMap<>();
    private static final Map<String, Integer> DIMS = new TreeMap<>();
    private static final Map<String, GaussianMixture> DENSITIES = new TreeMap<>();

    static {
        // eight Gaussians (std 0.15) on a circle of radius 2
        SETS.put("ring8", (r, p) -> {
            double a = 2 * Math.PI * r.nextInt(8) / 8;
            p[0] = 2 * Math.cos(a) + 0.15 * gaussian(r);
            p[1] = 2 * Math.sin(a) + 0.15 * gaussian(r);
        });
        // two interleaved half circles with noise 0.05, centred
        SETS.put("moons", (r, p) -> {
            double t = Math.PI * r.nextDouble();
            if (r.nextBoolean()) {
                p[0] = Math.cos(t) - 0.5;
                p[1] = Math.sin(t) - 0.25;
            } else {
                p[0] = 1 - Math.cos(t) - 0.5;
                p[1] = 0.5 - Math.sin(t) - 0.25;
            }
            p[0] += 0.05 * gaussian(r);
            p[1] += 0.05 * gaussian(r);
        });
        // uniform on the 8 dark squares of a 4x4 board on [-2, 2]^2 (density 1/8 there, 0 elsewhere)
        SETS.put("checkerboard", (r, p) -> {
            double x = 4 * r.nextDouble() - 2;
            double y = r.nextDouble() - 2 * r.nextInt(2) + Math.floorMod((long) Math.floor(x), 2);
            p[0] = x;
            p[1] = y;
        });
        // a 2-D swiss roll: angle t in [1.5 pi, 4.5 pi], radius t / 5, noise 0.1
        SETS.put("swissroll", (r, p) -> {
            double t = 1.5 * Math.PI * (1 + 2 * r.nextDouble());
            p[0] = t * Math.cos(t) / 5 + 0.1 * gaussian(r);
            p[1] = t * Math.sin(t) / 5 + 0.1 * gaussian(r);
        });
        SETS.keySet().forEach(n -> DIMS.put(n, 2));
        // ring8's generator is the mixture of 8 equal Gaussians its comment says
        double[] w8 = new double[8];
        double[][] m8 = new double[8][];
        double[][][] c8 = new double[8][][];
        for (int k = 0; k < 8; k++) {
            double a = 2 * Math.PI * k / 8;
            w8[k] = 1.0 / 8;
            m8[k] = new double[] {2 * Math.cos(a), 2 * Math.sin(a)};
            c8[k] = new double[][] {{0.0225, 0}, {0, 0.0225}};
        }
        DENSITIES.put("ring8", new GaussianMixture(w8, m8, c8));
        GaussianMixture six = mixture6();
        SETS.put("mixture6", (r, p) -> six.sample(r, p));
        DIMS.put("mixture6", 6);
        DENSITIES.put("mixture6", six);
    }

    /**
     * Six anisotropic Gaussians in 6-D with unequal weights (0.25 .. 0.10), means of scale 1.2 and
     * full covariances A A^T + 0.05 I (A with entries of scale 0.15), all from a fixed seed.
     */
    private static GaussianMixture mixture6() {
        int k = 6;
        int d = 6;
        SplittableRandom r = new SplittableRandom(42);
        double[][] means = new double[k][d];
        double[][][] cov = new double[k][d][d];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) {
                means[c][i] = 1.2 * gaussian(r);
            }
            double[][] a = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] = 0.15 * gaussian(r);
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double s = i == j ? 0.05 : 0;
                    for (int l = 0; l < d; l++) {
                        s += a[i][l] * a[j][l];
                    }
                    cov[c][i][j] = s;
                }
            }
        }
        return new GaussianMixture(new double[] {0.25, 0.2, 0.18, 0.15, 0.12, 0.10}, means, cov);
    }

    /** The set's dimension; 0 when there is no such set. */
    public static int dim(String name) {
        return DIMS.getOrDefault(name, 0);
    }

    /** The true density of {@code builtin:NAME} when it is known (a Gaussian mixture), else null. */
    public static GaussianMixture density(String spec) {
        return DENSITIES.get(spec.startsWith(PREFIX) ? spec.substring(PREFIX.length()) : spec);
    }

    private BuiltinData() {
    }

    public static boolean isBuiltin(String spec) {
        return spec.startsWith(PREFIX);
    }

    public static Iterable<String> names() {
        return SETS.keySet();
    }

    public static Dataset load(String spec) {
        String name = spec.substring(PREFIX.length());
        BiConsumer<SplittableRandom, double[]> gen = SETS.get(name);
        if (gen == null) {
            throw new InvalidInputException("--data: unknown builtin data set '" + name + "'; known: "
                    + String.join(", ", SETS.keySet()) + " (tables) and discs (images)");
        }
        return draw(name, COUNT, 20221128L + name.hashCode(), spec, "builtin:" + name + ":v1");
    }

    /**
     * {@code count} more points of the same distribution from another seed: fresh held-out data for a
     * set whose density is known, never among the bundled 20,000.
     */
    public static Dataset fresh(String spec, int count, long seed) {
        String name = spec.substring(PREFIX.length());
        if (!SETS.containsKey(name)) {
            throw new InvalidInputException("--data: unknown builtin data set '" + name + "'");
        }
        return draw(name, count, seed ^ 0x5DEECE66DL, spec + " (fresh draw " + seed + ")", spec + ":fresh:" + seed);
    }

    private static Dataset draw(String name, int count, long seed, String source, String sha) {
        BiConsumer<SplittableRandom, double[]> gen = SETS.get(name);
        int dim = DIMS.get(name);
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[count * dim];
        double[] p = new double[dim];
        for (int i = 0; i < count; i++) {
            gen.accept(r, p);
            System.arraycopy(p, 0, v, dim * i, dim);
        }
        return new Dataset(source, v, count, dim, sha);
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
