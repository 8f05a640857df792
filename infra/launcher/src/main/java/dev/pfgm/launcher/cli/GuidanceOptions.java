package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.shared.InvalidInputException;
import picocli.CommandLine.Option;

/**
 * --guidance and --guidance-interval: classifier-free guidance of a class-conditional model (the
 * class itself is sample's --class; other commands draw it from the training labels' shares).
 */
final class GuidanceOptions {
    @Option(names = "--guidance", paramLabel = "W",
            description = "classifier-free guidance in [0, 20] (default 1: the conditional model as trained;"
                    + " 0: unconditional; above 1: more typical of the class, two network passes an evaluation)")
    Double scale;

    @Option(names = "--guidance-interval", paramLabel = "LO,HI",
            description = "apply W only while z (PFGM++: the noise level sigma) is in [LO, HI] (HI may be inf);"
                    + " the rest of the path is conditional (W = 1)")
    String interval;

    /**
     * The guidance for a class-conditional model, of class {@code label} (a number, cycle, or null
     * for the training shares); null for an unconditional model, which refuses every guidance option.
     */
    Guidance forModel(PfgmModel model, String label) {
        int classes = model.classes();
        if (classes == 0) {
            String given = label != null ? "--class" : scale != null ? "--guidance" : interval != null
                    ? "--guidance-interval" : null;
            if (given != null) {
                throw new InvalidInputException(given + ": the model is not class-conditional (train one with "
                        + (model.isImage() ? "--labels" : "--label-column") + ")");
            }
            return null;
        }
        Integer l = label == null ? null : "cycle".equals(label) ? Guidance.CYCLE : classOf(label, classes);
        Double w = scale == null ? null : Check.closed("--guidance", scale, 0, 20);
        return Guidance.forModel(model, l, w, interval == null ? null : interval(interval));
    }

    private static int classOf(String label, int classes) {
        Long c = Check.wholeNumber(label.trim());
        if (c == null || c < 0 || c >= classes) {
            throw new InvalidInputException("--class: must be an integer in [0, " + (classes - 1) + "] or cycle, got '"
                    + label + "'");
        }
        return c.intValue();
    }

    /** LO,HI: 0 <= LO < HI (HI may be inf). */
    private static double[] interval(String raw) {
        String[] parts = raw.split(",", -1);
        if (parts.length == 2) {
            Double lo = Check.decimalNumber(parts[0].trim());
            Double hi = parts[1].trim().equals("inf") ? Double.valueOf(Double.POSITIVE_INFINITY)
                    : Check.decimalNumber(parts[1].trim());
            if (lo != null && hi != null && lo >= 0 && hi > lo) {
                return new double[] {lo, hi};
            }
        }
        throw new InvalidInputException("--guidance-interval: '" + raw + "' is not LO,HI with 0 <= LO < HI");
    }

    /** Puts the guidance scale and, when it is limited, its z interval (HI null for no bound) into a summary. */
    static void describe(Summary summary, Guidance g) {
        summary.put("guidance", g.scale());
        if (g.from() > 0 || g.to() < Double.POSITIVE_INFINITY) {
            var range = JsonNodeFactory.instance.arrayNode().add(g.from());
            summary.put("guidance_interval", Double.isInfinite(g.to()) ? range.addNull() : range.add(g.to()));
        }
    }
}
