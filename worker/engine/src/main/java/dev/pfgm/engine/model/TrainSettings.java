package dev.pfgm.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.model.TrainRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every training setting, declared once with its default, range and meaning. A config file (JSON
 * object) or job parameters override any subset; unknown keys and out-of-range values are refused
 * with a message naming the key. A value of 0 for z_max, max_exponent or upper_norm means "derive
 * it" ({@link #resolve}); the model file stores the resolved values.
 *
 * <p>How the defaults were chosen is in the README ("Defaults", with the measurements): tables train
 * PFGM++ with D = 8 and images PFGM (D = 1); for PFGM, sigma, tau, z_min and the restriction are the
 * paper's; gamma = 1 instead of the paper's 5, which suits images whose field displacements are ~50
 * long, not ~1; z_max, the clip radius and PFGM's jitter are set for standardised low-dimensional
 * data; the schedule and network size fit about two minutes of training on two CPU cores.
 */
public record TrainSettings(
        int steps, int batch, int largeBatch, long seed,
        double lr, int warmup, double clip, double ema,
        double sigma, double tau, double maxExponent, boolean restrict, double gamma,
        double zMax, double zMin, double upperNorm,
        int hidden, int depth, int frequencies, int xDirections, int xOctaves, double jitter, double weightDecay,
        int unetWidth, int unetLevels, int checkpointEvery, int previewEvery, int augDim, double labelDropout,
        double holdout) {

    public static TrainSettings defaults() {
        return new Builder().build();
    }



    /** The charge jitter of PFGM (D = 1) on tables: it smooths the sparse empirical field (README, Defaults). */
    static final double PFGM_JITTER = 0.4;

    /**
     * The charge jitter of PFGM++ on tables: over three training seeds on mixture6 it kept the gap at
     * 0.048-0.051 nats (without it 0.045-0.064) for a smoothing cost of 0.0015.
     */
    static final double PLUS_PLUS_JITTER = 0.2;

    /** The tables' default jitter for D's family. */
    static double tableJitter(int augDim) {
        return augDim == 1 ? PFGM_JITTER : PLUS_PLUS_JITTER;
    }

    /**
     * The base that stored settings (model files, checkpoints) are read onto: the defaults as they
     * were before D = 8 became the tables' default, so a key a file lacks keeps the meaning it had
     * when the file was written (files older than aug_dim are PFGM, with its jitter).
     */
    public static TrainSettings storedDefaults() {
        Builder b = new Builder();
        b.augDim = 1;
        b.jitter = PFGM_JITTER;
        b.zMin = TrainRules.PFGM_Z_MIN;
        return b.build();
    }

    /**
     * Defaults for image data (the U-Net): the paper's gamma and prior for N = h w c, a small batch
     * with a large batch of charges for the field, no charge jitter (images are not sparse in the
     * sense the jitter addresses, and their spacing costs O(n^2 N) to measure). See the README's
     * "Images" section for the choices and their measurements.
     */
    public static TrainSettings imageDefaults() {
        Builder b = new Builder();
        b.steps = 20_000;
        b.batch = 64;
        b.largeBatch = 1024;
        b.lr = 5e-4;
        b.warmup = 500;
        b.gamma = 5;
        b.jitter = 0;
        b.augDim = 1;
        return b.build();
    }

    /** The defaults for vector data or for images. */
    public static TrainSettings defaultsFor(boolean images) {
        return images ? imageDefaults() : defaults();
    }

    /** PFGM++ (D > 1 extra dimensions, or the diffusion limit) rather than the original PFGM (D = 1). */
    public boolean plusPlus() {
        return augDim > 1;
    }

    /** D -> infinity (aug_dim "inf"): EDM's Gaussian perturbation and prior, a diffusion model. */
    public boolean diffusion() {
        return augDim == dev.pfgm.engine.field.NoiseKernel.INFINITE;
    }


    /** Derived values filled in for data of dimension {@code dim}. */
    public TrainSettings resolve(int dim) {
        Builder b = new Builder(this);
        if (b.zMin == 0) {
            b.zMin = TrainRules.defaultZMin(false, b.augDim);
        }
        if (b.zMax == 0) {
            // PFGM++ and diffusion on standardised columns: z is EDM's sigma, the prior starts at
            // sigma_max; PFGM's flow starts at 40
            b.zMax = TrainRules.defaultZMax(false, b.augDim);
        }
        if (b.augDim > 1) {
            return b.build();
        }
        if (b.maxExponent == 0) {
            // the mean of z at m = M is sigma sqrt(2/pi) (1 + tau)^M; make it z_max (math.md section 4)
            b.maxExponent = Math.ceil(Math.log(b.zMax / (b.sigma * Math.sqrt(2 / Math.PI))) / Math.log1p(b.tau));
        }
        if (b.upperNorm == 0) {
            // Clips about 0.25% of prior draws whatever N (the Cauchy tail is ~ sqrt(N) zMax / R). The
            // paper's sqrt(N) sigma (1+tau)^M clips half of them, which in low dimension piles the
            // low-elevation field lines onto one circle and cuts the data's outer tails off.
            b.upperNorm = 300 * Math.sqrt(dim) * b.zMax;
        }
        return b.build();
    }

    /**
     * Derived values for images of N = {@code dim} values whose mean norm is {@code meanNorm}: the
     * paper's rule (math.md section 4) M = floor(0.75 ln(n^2 / (2 sqrt(N) sigma^2)) / ln(1 + tau)) + 1,
     * z_max = sqrt(2/pi) sigma (1 + tau)^M and the prior clip sqrt(N) sigma (1 + tau)^M. For
     * Fashion-MNIST (N = 784, mean norm 23.0) this gives M = 291, z_max = 43.4, clip 1,523;
     * the paper reports 291, 40 and 3,000 for CIFAR-10.
     */
    public TrainSettings resolveImages(int dim, double meanNorm) {
        Builder b = new Builder(this);
        if (b.holdout > 0) {
            throw new InvalidInputException("settings: 'holdout' is for tables; image models train on every image"
                    + " (a synthesis report takes held-out images from its own --holdout)");
        }
        if (b.zMin == 0) {
            b.zMin = TrainRules.defaultZMin(true, b.augDim);
        }
        if (b.augDim > 1) {
            // PFGM++: z is EDM's sigma (r = sigma sqrt D) and the prior starts at sigma_max = 80
            // (math.md section 11); the kernel, M, gamma and the clip of PFGM do not apply
            if (b.zMax == 0) {
                b.zMax = TrainRules.defaultZMax(true, b.augDim);
            }
            return b.build();
        }
        double growth = Math.log1p(b.tau);
        if (b.maxExponent == 0) {
            if (b.zMax == 0) {
                double ratio = meanNorm * meanNorm / (2 * Math.sqrt(dim) * b.sigma * b.sigma);
                b.maxExponent = Math.floor(0.75 * Math.log(Math.max(ratio, 2)) / growth) + 1;
            } else {
                b.maxExponent = Math.ceil(Math.log(b.zMax / (b.sigma * Math.sqrt(2 / Math.PI))) / growth);
            }
        }
        double top = b.sigma * Math.exp(b.maxExponent * growth);
        if (b.zMax == 0) {
            b.zMax = Math.sqrt(2 / Math.PI) * top;
        }
        if (b.upperNorm == 0) {
            b.upperNorm = Math.sqrt(dim) * top;
        }
        return b.build();
    }

    /** This with the keys of {@code json} (an object) applied; {@code source} names it in errors. */
    public TrainSettings with(JsonNode json, String source) {
        if (json == null || json.isNull()) {
            return this;
        }
        if (!json.isObject()) {
            throw new InvalidInputException(source + ": settings must be a JSON object");
        }
        Builder b = new Builder(this);
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Setting s = SETTINGS.get(e.getKey());
            if (s == null) {
                throw new InvalidInputException(source + ": unknown setting '" + e.getKey() + "'; known: "
                        + String.join(", ", SETTINGS.keySet()));
            }
            s.apply(b, e.getValue(), source);
        }
        if (json.has("aug_dim") && !json.has("jitter") && (b.augDim == 1) != (augDim == 1)
                && b.jitter == tableJitter(augDim)) {
            // a jitter left at its family's table default follows D to the other family's (images
            // have none, and keep none)
            b.jitter = tableJitter(b.augDim);
        }
        return b.build();
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Setting s : SETTINGS.values()) {
            Object v = s.get.apply(this);
            if (v instanceof Integer i) {
                o.put(s.key, i);
            } else if (v instanceof Long l) {
                o.put(s.key, l);
            } else if (v instanceof Double d) {
                o.put(s.key, d);
            } else if (v instanceof Boolean bo) {
                o.put(s.key, bo);
            } else if (v instanceof String str) {
                o.put(s.key, str);
            }
        }
        return o;
    }

    /** Each setting's key, kind, range and meaning, for docs and --help. */
    public static List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Setting s : SETTINGS.values()) {
            out.add(String.format("%-13s %-8s default %-8s %s", s.key, s.range, s.get.apply(defaults()), s.doc));
        }
        return out;
    }

    /** Mutable twin used while reading overrides. */
    static final class Builder {
        int steps = 20_000;
        int batch = 256;
        int largeBatch = 4096;
        long seed = 0;
        double lr = 2e-3;
        int warmup = 500;
        double clip = 1.0;
        double ema = 0.999;
        double sigma = 0.01;
        double tau = 0.03;
        double maxExponent = 0;
        boolean restrict = true;
        double gamma = 1;
        double zMax = 0;
        double zMin = 0;
        double upperNorm = 0;
        int hidden = 128;
        int depth = 4;
        int frequencies = 8;
        int xDirections = 0;
        int xOctaves = 0;
        double jitter = PLUS_PLUS_JITTER;
        double weightDecay = 0;
        int unetWidth = 32;
        int unetLevels = 2;
        int checkpointEvery = 1000;
        int previewEvery = 1000;
        int augDim = TrainRules.TABLE_AUG_DIM;
        double labelDropout = 0.1;
        double holdout = 0;

        Builder() {
        }

        Builder(TrainSettings s) {
            steps = s.steps;
            batch = s.batch;
            largeBatch = s.largeBatch;
            seed = s.seed;
            lr = s.lr;
            warmup = s.warmup;
            clip = s.clip;
            ema = s.ema;
            sigma = s.sigma;
            tau = s.tau;
            maxExponent = s.maxExponent;
            restrict = s.restrict;
            gamma = s.gamma;
            zMax = s.zMax;
            zMin = s.zMin;
            upperNorm = s.upperNorm;
            hidden = s.hidden;
            depth = s.depth;
            frequencies = s.frequencies;
            xDirections = s.xDirections;
            xOctaves = s.xOctaves;
            jitter = s.jitter;
            weightDecay = s.weightDecay;
            unetWidth = s.unetWidth;
            unetLevels = s.unetLevels;
            checkpointEvery = s.checkpointEvery;
            previewEvery = s.previewEvery;
            augDim = s.augDim;
            labelDropout = s.labelDropout;
            holdout = s.holdout;
        }

        TrainSettings build() {
            if (unetWidth % 8 != 0) {
                throw new InvalidInputException("settings: 'unet_width' must be a multiple of 8 (the group size"
                        + " of the normalisation), got " + unetWidth);
            }
            if (zMax != 0 && zMin >= zMax) {
                throw new InvalidInputException("settings: z_min (" + zMin + ") must be below z_max (" + zMax + ")");
            }
            // each within its range, together past what one Java array (the network's weights) holds
            if (!TrainRules.mlpFits(hidden, depth)) {
                throw new InvalidInputException("settings: hidden " + hidden + " and depth " + depth + " make an MLP of"
                        + " more than " + TrainRules.MAX_MLP_WEIGHTS + " weights; make them smaller");
            }
            return new TrainSettings(steps, batch, largeBatch, seed, lr, warmup, clip, ema, sigma, tau, maxExponent,
                    restrict, gamma, zMax, zMin, upperNorm, hidden, depth, frequencies, xDirections, xOctaves, jitter, weightDecay,
                    unetWidth, unetLevels, checkpointEvery, previewEvery, augDim, labelDropout, holdout);
        }
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    private static void add(Setting s) {
        SETTINGS.put(s.key, s);
    }

    static {
        add(Setting.ofInt("steps", 1, 10_000_000, "optimiser steps", TrainSettings::steps, (b, v) -> b.steps = v));
        add(Setting.ofInt("batch", 1, 65_536, "points the loss is computed at per step (B)", TrainSettings::batch,
                (b, v) -> b.batch = v));
        add(Setting.ofInt("large_batch", 1, 1_000_000, "charges per step for the empirical field (B_L)",
                TrainSettings::largeBatch, (b, v) -> b.largeBatch = v));
        add(Setting.ofLong("seed", "training randomness (batches, perturbations, initial weights)",
                TrainSettings::seed, (b, v) -> b.seed = v));
        add(Setting.ofDouble("lr", 0, 1, false, "peak Adam learning rate", TrainSettings::lr, (b, v) -> b.lr = v));
        add(Setting.ofInt("warmup", 0, 10_000_000, "steps of linear learning-rate warm-up, then cosine decay to 0",
                TrainSettings::warmup, (b, v) -> b.warmup = v));
        add(Setting.ofDouble("clip", 0, 1e6, true, "gradient global-norm clip (0 = off)", TrainSettings::clip,
                (b, v) -> b.clip = v));
        add(Setting.ofDouble("ema", 0, 1, true, "decay of the weight average used for sampling", TrainSettings::ema,
                (b, v) -> b.ema = v));
        add(Setting.ofDouble("sigma", 0, 10, false, "base perturbation scale (sigma_end)", TrainSettings::sigma,
                (b, v) -> b.sigma = v));
        add(Setting.ofDouble("tau", 0, 1, false, "growth of the perturbation scale per unit of m",
                TrainSettings::tau, (b, v) -> b.tau = v));
        add(Setting.ofDouble("max_exponent", 0, 1e5, true, "M: m ~ U[0, M) (0 = from z_max)",
                TrainSettings::maxExponent, (b, v) -> b.maxExponent = v));
        add(Setting.ofBool("restrict", "redraw m from U[0, 0.7M) when |eps_z| < sigma/2", TrainSettings::restrict,
                (b, v) -> b.restrict = v));
        add(Setting.ofDouble("gamma", 0, 1e6, true, "soft normalisation of the field", TrainSettings::gamma,
                (b, v) -> b.gamma = v));
        add(Setting.ofDouble("z_max", 0, 1e8, true, "plane of the prior (0 = derived: 80 for PFGM++ and"
                + " diffusion, 40 for PFGM on tables)", TrainSettings::zMax,
                (b, v) -> b.zMax = v));
        add(Setting.ofDouble("z_min", 0, 1e3, true, "where the backward ODE stops (0 = 1e-2 for PFGM++ and diffusion"
                + " on tables, 1e-3 otherwise)", TrainSettings::zMin,
                (b, v) -> b.zMin = v));
        add(Setting.ofDouble("upper_norm", 0, 1e12, true, "prior radius clip (0 = 300 sqrt(N) z_max)",
                TrainSettings::upperNorm, (b, v) -> b.upperNorm = v));
        add(Setting.ofInt("hidden", 1, 8192, "MLP hidden width", TrainSettings::hidden, (b, v) -> b.hidden = v));
        add(Setting.ofInt("depth", 1, 64, "MLP hidden layers", TrainSettings::depth, (b, v) -> b.depth = v));
        add(Setting.ofInt("frequencies", 0, 32, "sin/cos pairs embedding ln z", TrainSettings::frequencies,
                (b, v) -> b.frequencies = v));
        add(Setting.ofInt("x_directions", 0, 1024, "random directions embedding the point (0 = none)",
                TrainSettings::xDirections, (b, v) -> b.xDirections = v));
        add(Setting.ofInt("x_octaves", 0, 16, "octaves of each direction's embedding", TrainSettings::xOctaves,
                (b, v) -> b.xOctaves = v));
        add(Setting.ofDouble("jitter", 0, 10, true,
                "noise added to the charges each step, as a fraction of the median nearest-neighbour distance"
                        + " (tables: 0.4 for PFGM, aug_dim 1)",
                TrainSettings::jitter, (b, v) -> b.jitter = v));
        add(Setting.ofDouble("weight_decay", 0, 1, true, "decoupled (AdamW) weight decay", TrainSettings::weightDecay,
                (b, v) -> b.weightDecay = v));
        add(Setting.ofInt("unet_width", 8, 256, "images: U-Net channels at full resolution (a multiple of 8)",
                TrainSettings::unetWidth, (b, v) -> b.unetWidth = v));
        add(Setting.ofInt("unet_levels", 0, 6, "images: U-Net halvings of the resolution",
                TrainSettings::unetLevels, (b, v) -> b.unetLevels = v));
        add(Setting.ofInt("checkpoint_every", 0, 10_000_000, "images: steps between checkpoints (0 = none)",
                TrainSettings::checkpointEvery, (b, v) -> b.checkpointEvery = v));
        add(Setting.ofInt("preview_every", 0, 10_000_000, "images: steps between preview grids (0 = none)",
                TrainSettings::previewEvery, (b, v) -> b.previewEvery = v));
        add(Setting.augDim());
        add(Setting.ofDouble("label_dropout", 0, 1, true, "class-conditional training (images with labels, PFGM++):"
                + " share of rows trained without their label, which guidance needs", TrainSettings::labelDropout,
                (b, v) -> b.labelDropout = v));
        add(Setting.ofDouble("holdout", 0, 0.5, true, "tables: share of the rows kept out of training (chosen by"
                + " the seed), so a synthesis report can compare with rows the model never saw", TrainSettings::holdout,
                (b, v) -> b.holdout = v));
    }

    /** One declared setting: key, accepted range (as text), meaning, how to read and write it. */
    private record Setting(String key, String range, String doc, Function<TrainSettings, Object> get,
                           Applier apply) {

        interface Applier {
            void apply(Builder b, JsonNode v, String source);
        }

        void apply(Builder b, JsonNode v, String source) {
            apply.apply(b, v, source);
        }

        static InvalidInputException bad(String source, String key, String want, JsonNode v) {
            return new InvalidInputException(source + ": '" + key + "' must be " + want + ", got " + v);
        }

        static Setting ofInt(String key, int min, int max, String doc, Function<TrainSettings, Object> get,
                             BiConsumer<Builder, Integer> set) {
            String want = "an integer in [" + min + ", " + max + "]";
            return new Setting(key, "int", doc, get, (b, v, src) -> {
                Long w = whole(v);
                if (w == null || w < min || w > max) {
                    throw bad(src, key, want, v);
                }
                set.accept(b, w.intValue());
            });
        }

        /**
         * D, the extra dimensions: an integer, or "inf" for the limit D -> infinity, the diffusion
         * model. One knob for the whole family (PFGM at 1, PFGM++ between, diffusion at the end), so a
         * sweep over D reaches diffusion without a second setting.
         */
        static Setting augDim() {
            String want = "an integer in [1, 1000000] or \"inf\"";
            return new Setting("aug_dim", "int|inf", "extra dimensions D: 1 = PFGM (images' default); > 1 ="
                    + " PFGM++ (tables: 8; z is then sigma, z_max defaults to 80); \"inf\" = the limit D -> infinity,"
                    + " a diffusion model (EDM's Gaussian perturbation and prior)", t -> t.diffusion() ? "inf" : t.augDim(), (b, v, src) -> {
                        if (v.isTextual() && v.asText().equals("inf")) {
                            b.augDim = dev.pfgm.engine.field.NoiseKernel.INFINITE;
                        } else if (whole(v) != null && whole(v) >= 1 && whole(v) <= 1_000_000) {
                            b.augDim = whole(v).intValue();
                        } else {
                            throw bad(src, "aug_dim", want, v);
                        }
                    });
        }

        static Setting ofLong(String key, String doc, Function<TrainSettings, Object> get,
                              BiConsumer<Builder, Long> set) {
            return new Setting(key, "int", doc, get, (b, v, src) -> {
                Long w = whole(v);
                if (w == null || w < 0) {
                    throw bad(src, key, "a non-negative integer", v);
                }
                set.accept(b, w);
            });
        }

        /**
         * {@code v} as a whole number within 64 bits when it is one, 10.0 as well as 10 (JSON Schema's
         * integer, which the service's contract accepted and this then refused), else null. Compared
         * exactly: 9223372036854775808.0 is past the range, though Jackson's canConvertToLong says not.
         */
        static Long whole(JsonNode v) {
            if (!v.isNumber() || !v.canConvertToExactIntegral()) {
                return null;
            }
            java.math.BigDecimal d = v.decimalValue();
            if (d.compareTo(java.math.BigDecimal.valueOf(Long.MIN_VALUE)) < 0
                    || d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return null;
            }
            return d.longValue();
        }

        static Setting ofDouble(String key, double min, double max, boolean minIncluded, String doc,
                                Function<TrainSettings, Object> get, BiConsumer<Builder, Double> set) {
            String want = "a number in " + (minIncluded ? "[" : "(") + min + ", " + max + "]";
            return new Setting(key, "number", doc, get, (b, v, src) -> {
                if (!v.isNumber()) {
                    throw bad(src, key, want, v);
                }
                double d = v.doubleValue();
                if (!Double.isFinite(d) || d > max || d < min || (!minIncluded && d == min)) {
                    throw bad(src, key, want, v);
                }
                set.accept(b, d);
            });
        }

        static Setting ofBool(String key, String doc, Function<TrainSettings, Object> get,
                              BiConsumer<Builder, Boolean> set) {
            return new Setting(key, "bool", doc, get, (b, v, src) -> {
                if (!v.isBoolean()) {
                    throw bad(src, key, "true or false", v);
                }
                set.accept(b, v.booleanValue());
            });
        }
    }
}
