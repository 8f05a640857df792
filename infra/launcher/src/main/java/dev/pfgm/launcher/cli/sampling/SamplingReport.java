package dev.pfgm.launcher.cli.sampling;

import static dev.pfgm.launcher.cli.sampling.SamplingStudy.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.sample.SolverSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The study as markdown and JSON: quality per method, sampler and NFE; the least NFE at which each
 * reaches 1.5 times the floor; the NFE ratios at that quality between each flow and diffusion's
 * stochastic and ODE samplers; held-out NLL beside the truth; the robustness check on quantised weights.
 */
final class SamplingReport {
    /** Quality counts as reached at this multiple of the floor. */
    static final double TARGET = 1.5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SamplingReport() {
    }

    /** The least NFE at which a curve's mean quality is at or under the target, or null. */
    record Reach(String method, String sampler, SamplingStudy.Cell cell, SamplingStudy.Cell best) {
        boolean reached() {
            return cell != null;
        }
    }

    static List<Reach> reaches(SamplingStudy.Result r) {
        double target = TARGET * r.floorMean();
        Map<String, List<SamplingStudy.Cell>> curves = new LinkedHashMap<>();
        for (SamplingStudy.Cell c : r.cells()) {
            if (!c.quantised()) {
                curves.computeIfAbsent(c.method() + "\t" + c.sampler(), k -> new ArrayList<>()).add(c);
            }
        }
        List<Reach> out = new ArrayList<>();
        for (List<SamplingStudy.Cell> cs : curves.values()) {
            SamplingStudy.Cell hit = null;
            SamplingStudy.Cell best = null;
            for (SamplingStudy.Cell c : cs) {
                if (best == null || c.mean() < best.mean()) {
                    best = c;
                }
                if (c.mean() <= target && (hit == null || c.nfe() < hit.nfe())) {
                    hit = c;
                }
            }
            out.add(new Reach(cs.get(0).method(), cs.get(0).sampler(), hit, best));
        }
        return out;
    }

    /** The fewest evaluations among {@code method}'s samplers that {@code which} admits, or null. */
    static Reach fastest(List<Reach> reaches, String method, java.util.function.Predicate<String> which) {
        Reach best = null;
        for (Reach r : reaches) {
            if (r.method().equals(method) && which.test(r.sampler()) && r.reached()
                    && (best == null || r.cell().nfe() < best.cell().nfe())) {
                best = r;
            }
        }
        return best;
    }

    static boolean stochastic(String sampler) {
        return SolverSpec.STOCHASTIC.contains(sampler);
    }

    /** The ratio lines: each flow's fastest ODE sampler against diffusion's stochastic samplers on either grid and its ODE. */
    static List<String> ratios(SamplingStudy.Result r, List<Reach> reaches, ObjectNode json) {
        List<String> lines = new ArrayList<>();
        ArrayNode arr = json.putArray("ratios");
        String diffusion = r.trained().stream().map(t -> t.method().name()).filter(n -> n.equals("diffusion")).findFirst()
                .orElse(null);
        if (diffusion == null) {
            lines.add("No diffusion model in --methods: no ratios.");
            return lines;
        }
        // EDM's grid (euler-maruyama, edm-churn), the VE SDE's geometric grid (the claim's baseline), the ODE
        Reach sde = fastest(reaches, diffusion, s -> stochastic(s) && !s.equals(SolverSpec.EULER_MARUYAMA_GEOMETRIC));
        Reach geometric = fastest(reaches, diffusion, s -> s.equals(SolverSpec.EULER_MARUYAMA_GEOMETRIC));
        Reach ode = fastest(reaches, diffusion, s -> !stochastic(s));
        String[] kinds = {"diffusion's stochastic samplers on EDM's grid", "diffusion's Euler-Maruyama on the VE SDE's"
                + " geometric grid", "diffusion's ODE samplers"};
        String[] keys = {"diffusion-sde", "diffusion-sde-geometric", "diffusion-ode"};
        double maxNfe = r.cells().stream().mapToDouble(SamplingStudy.Cell::nfe).max().orElse(0);
        for (SamplingStudy.Trained t : r.trained()) {
            String m = t.method().name();
            if (m.equals(diffusion)) {
                continue;
            }
            Reach flow = fastest(reaches, m, s -> !stochastic(s));
            Reach[] against3 = {sde, geometric, ode};
            for (int c = 0; c < 3; c++) {
                Reach against = against3[c];
                String kind = kinds[c];
                ObjectNode o = arr.addObject().put("method", m).put("against", keys[c]);
                if (flow == null) {
                    lines.add(String.format(Locale.ROOT, "- %s never reached %.1f x the floor within the ladder: no ratio"
                            + " against %s.", m, TARGET, kind));
                    o.putNull("ratio");
                } else if (against == null) {
                    double bound = maxNfe / flow.cell().nfe();
                    lines.add(String.format(Locale.ROOT, "- %s (%s, NFE %s) against %s: they never reached the target"
                            + " within %s NFE, so the ratio exceeds %.1f.", m, flow.sampler(), fmt(flow.cell().nfe()), kind,
                            fmt(maxNfe), bound));
                    o.put("ratio_at_least", bound);
                } else {
                    double ratio = against.cell().nfe() / flow.cell().nfe();
                    lines.add(String.format(Locale.ROOT, "- %s (%s, NFE %s) against %s (%s, NFE %s): %.2fx %s evaluations"
                            + " at %.1f x the floor.", m, flow.sampler(), fmt(flow.cell().nfe()), kind, against.sampler(),
                            fmt(against.cell().nfe()), ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "fewer" : "more", TARGET));
                    o.put("ratio", ratio);
                }
            }
        }
        return lines;
    }

    static String markdown(SamplingStudy.Result r, SamplingStudy.Options o, String command, ObjectNode json) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "## %s (%d-D): %d training steps, seed %d%n%n", r.data(), r.dim(), o.steps(),
                o.trainSeed()));
        md.append("Command: `").append(command).append("`\n\n");
        md.append("| method | aug_dim | training rows | training seconds | model |\n|---|---|---|---|---|\n");
        for (SamplingStudy.Trained t : r.trained()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %s |%n", t.method().name(),
                    t.method().settings().path("aug_dim").asText(), r.trainRows(), t.trainSeconds(),
                    t.reused() ? "reused" : "trained"));
        }
        String sym = r.quality().symbol();
        md.append(String.format(Locale.ROOT, "%nFloor: %s, %s +- %s over %d draws; target %.1f x floor = %s.%n%n",
                r.quality().description(), fmt(r.floorMean()), fmt(r.floorSd()), o.seeds(), TARGET,
                fmt(TARGET * r.floorMean())));

        List<Reach> reaches = reaches(r);
        md.append("### NFE to reach 1.5 x the floor\n\n");
        md.append("| method | sampler | least NFE at target | its " + sym + " | ms per 1,000 samples there | best " + sym
                + " (at NFE) |\n");
        md.append("|---|---|---|---|---|---|\n");
        ArrayNode reachJson = json.putArray("reach");
        for (Reach x : reaches) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s (%s) |%n", x.method(), x.sampler(),
                    x.reached() ? fmt(x.cell().nfe()) : "not reached", x.reached() ? fmt(x.cell().mean()) : "-",
                    x.reached() ? fmt(x.cell().secondsPer1000() * 1000) : "-", fmt(x.best().mean()), fmt(x.best().nfe())));
            ObjectNode j = reachJson.addObject().put("method", x.method()).put("sampler", x.sampler())
                    .put("best_quality", x.best().mean()).put("best_nfe", x.best().nfe());
            if (x.reached()) {
                j.put("nfe", x.cell().nfe()).put("quality", x.cell().mean()).put("ms_per_1000", x.cell().secondsPer1000() * 1000);
            }
        }
        md.append("\nAt equal quality (1.5 x the floor):\n\n");
        ratios(r, reaches, json).forEach(l -> md.append(l).append('\n'));

        if (!Double.isNaN(r.trueNll())) {
            md.append(String.format(Locale.ROOT, "%n### Held-out NLL (nats, exact divergence, RK45 1e-5) beside the truth"
                    + " (%s)%n%n| method | NLL | gap to the truth | NFE |%n|---|---|---|---|%n", fmt(r.trueNll())));
            ArrayNode nll = json.putArray("nll");
            for (SamplingStudy.Trained t : r.trained()) {
                md.append(String.format(Locale.ROOT, "| %s | %.4f | %+.4f | %s |%n", t.method().name(), t.nll(),
                        t.nll() - r.trueNll(), fmt(t.nllNfe())));
                nll.addObject().put("method", t.method().name()).put("nll", t.nll()).put("gap", t.nll() - r.trueNll());
            }
        }

        if (o.quantise()) {
            md.append(String.format(Locale.ROOT, "%n### Robustness: edm with weights rounded to %d bits (blocks of %d)%n%n",
                    o.quantiseBits(), WeightQuantiser.BLOCK));
            md.append("| method | mean ratio quantised / full " + sym + " over the ladder | worst ratio |\n|---|---|---|\n");
            ArrayNode rob = json.putArray("quantised");
            String least = null;
            double leastRatio = Double.POSITIVE_INFINITY;
            for (SamplingStudy.Trained t : r.trained()) {
                String m = t.method().name();
                double sum = 0;
                double worst = 0;
                int n = 0;
                for (SamplingStudy.Cell q : r.cells()) {
                    if (!q.quantised() || !q.method().equals(m)) {
                        continue;
                    }
                    for (SamplingStudy.Cell f : r.cells()) {
                        if (!f.quantised() && f.method().equals(m) && f.sampler().equals("edm") && f.steps() == q.steps()) {
                            double ratio = q.mean() / f.mean();
                            sum += ratio;
                            worst = Math.max(worst, ratio);
                            n++;
                        }
                    }
                }
                double mean = n == 0 ? Double.NaN : sum / n;
                md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", m, fmt(mean), fmt(worst)));
                rob.addObject().put("method", m).put("mean_ratio", mean).put("worst_ratio", worst);
                if (mean < leastRatio) {
                    leastRatio = mean;
                    least = m;
                }
            }
            // a change smaller than twice the sampling noise (the standard error of a point's mean) is not a finding
            double noise = r.cells().stream().filter(c -> !c.quantised() && c.sampler().equals("edm") && c.mean() > 0)
                    .mapToDouble(c -> c.sd() / c.mean() / Math.sqrt(c.quality().length)).average().orElse(0);
            double largest = 0;
            for (JsonNode q : rob) {
                largest = Math.max(largest, Math.abs(q.path("mean_ratio").asDouble() - 1));
            }
            if (largest < 2 * noise) {
                md.append(String.format(Locale.ROOT, "%nNo method degrades measurably under %d-bit weights: the largest"
                        + " mean change is %.1f%%, under twice the sampling noise of a point (%.1f%%).%n", o.quantiseBits(),
                        100 * largest, 100 * noise));
                json.putNull("degrades_least");
            } else {
                md.append(String.format(Locale.ROOT, "%nDegrades least under %d-bit weights here: %s (sampling noise of a"
                        + " point %.1f%%).%n", o.quantiseBits(), least, 100 * noise));
                json.put("degrades_least", least);
            }
            json.put("quantise_bits", o.quantiseBits()).put("quantise_noise", noise);
        }

        md.append(String.format(Locale.ROOT, "%n### Every point (%s mean +- sd over %d sampling seeds)%n%n", sym, o.seeds()));
        md.append("| method | sampler | K or tolerance | NFE | " + sym + " | sd | ms per 1,000 samples |\n|---|---|---|---|---|---|---|\n");
        ArrayNode cells = json.putArray("cells");
        for (SamplingStudy.Cell c : r.cells()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", c.method(),
                    c.sampler() + (c.quantised() ? " (" + o.quantiseBits() + "-bit)" : ""), c.sampler().equals("rk45") ? "tol " + c.tolerance()
                            : "K=" + c.steps(), fmt(c.nfe()), fmt(c.mean()), fmt(c.sd()), fmt(c.secondsPer1000() * 1000)));
            ObjectNode j = cells.addObject().put("method", c.method()).put("sampler", c.sampler()).put("steps", c.steps())
                    .put("tolerance", c.tolerance()).put("quantised", c.quantised()).put("nfe", c.nfe())
                    .put("ms_per_1000", c.secondsPer1000() * 1000);
            ArrayNode q = j.putArray("quality");
            for (double v : c.quality()) {
                if (Double.isFinite(v)) {
                    q.add(v);
                } else {
                    q.addNull();
                }
            }
        }
        json.put("data", r.data()).put("dim", r.dim()).put("steps", o.steps()).put("count", r.count())
                .put("seeds", o.seeds()).put("floor", r.floorMean()).put("floor_sd", r.floorSd())
                .put("target", TARGET * r.floorMean());
        if (!Double.isNaN(r.trueNll())) {
            json.put("true_nll", r.trueNll());
        }
        return md.toString();
    }

    static ObjectNode newJson() {
        return JSON.createObjectNode();
    }
}
