package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Bundled 2-D data sets, named {@code builtin:NAME}. Each is 20,000 points drawn with a fixed seed,
 * so a name always means the same bytes.
 */
public final class BuiltinData {
    public static final String PREFIX = "builtin:";
    public static final int COUNT = 20_000;

    private static final Map<String, BiConsumer<SplittableRandom, double[]>> SETS = new TreeMap<>();

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
                    + String.join(", ", SETS.keySet()));
        }
        SplittableRandom r = new SplittableRandom(20221128L + name.hashCode());
        double[] v = new double[COUNT * 2];
        double[] p = new double[2];
        for (int i = 0; i < COUNT; i++) {
            gen.accept(r, p);
            v[2 * i] = p[0];
            v[2 * i + 1] = p[1];
        }
        return new Dataset(spec, v, COUNT, 2, "builtin:" + name + ":v1");
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
