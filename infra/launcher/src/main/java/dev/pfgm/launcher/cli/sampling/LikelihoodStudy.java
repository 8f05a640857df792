package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a flow's held-out NLL parts from the truth, on data with a known density: for each method
 * and training budget, the gap (model NLL - true NLL on the same held-out points, exact divergence,
 * RK45 at 1e-5); at the largest budget, that gap taken apart into the solver's share (1e-5 against
 * 1e-7), the divergence estimator's (one Hutchinson probe against exact), the prior's, the z_min
 * truncation's and the charge jitter's ({@link FlowBias}), and the rest: what the network has not
 * learned.
 */
final class LikelihoodStudy {
    static final double RTOL = 1e-5;
    static final double TIGHT = 1e-7;
    /** Monte Carlo sizes of the bias estimates: kernel draws per point, reference points for the prior. */
    static final int INNER = 2000;
    static final int REFERENCE = 4000;

    record Options(List<SamplingStudy.Method> methods, List<Integer> budgets, long trainSeed, JsonNode extra,
                   int count) {
        int largest() {
            return budgets.stream().mapToInt(Integer::intValue).max().orElseThrow();
        }
    }

    /** One method at one budget: its gap to the truth (nats per point) and, at the largest budget, its parts. */
    record Row(String method, int steps, double trainSeconds, boolean reused, FlowBias.Estimate gap, double nfe,
               Parts parts) {
    }

    /** The gap at the largest budget taken apart. */
    record Parts(FlowBias.Estimate tightGap, double tightNfe, FlowBias.Estimate hutchinson, FlowBias.Estimate prior,
                 FlowBias.Estimate truncation, FlowBias.Estimate jitter, double jitterStd, FlowBias.Estimate trainGap) {
        /** What the flow's biases do not explain: the network's error. */
        double network() {
            return tightGap.mean() - prior.mean() - truncation.mean() - jitter.mean();
        }

        /** The network's error on points it was trained on: how well it fits. */
        double fit() {
            return trainGap.mean() - prior.mean() - truncation.mean() - jitter.mean();
        }

        /** Held-out gap minus the training points' gap: what finite data cost. */
        double generalisation() {
            return network() - fit();
        }
    }

    record Result(String data, int dim, int trainRows, int count, double trueNll, List<Row> rows) {
    }

    private LikelihoodStudy() {
    }

    static Result run(String name, Dataset train, Dataset held, Dataset reference, GaussianMixture truth, Options o,
                      Path modelDir, SamplingStudy.Listener listener) throws Exception {
        int n = held.count();
        double[] trueNll = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            trueNll[i] = -truth.logDensity(held.values(), i * held.dim());
            sum += trueNll[i];
        }
        List<Row> rows = new ArrayList<>();
        int total = o.methods().size() * o.budgets().size();
        int done = 0;
        for (SamplingStudy.Method m : o.methods()) {
            for (int steps : o.budgets()) {
                double base = (double) done / total;
                double share = 1.0 / total;
                Path file = modelDir.resolve(m.file().replace(".pfgm", "-" + steps + ".pfgm"));
                SamplingStudy.Trained t = SamplingStudy.trainOrReuse(m, new SamplingStudy.TrainingData(train, null), steps, o.trainSeed(), o.extra(), file,
                        f -> listener.on(base + 0.4 * share * f, "training " + m.name() + " " + steps));
                PfgmModel model = t.model();
                listener.on(base + 0.4 * share, "NLL of " + m.name() + " " + steps);
                Likelihood lik = new Likelihood(model);
                Likelihood.Result exact = lik.nll(held, 0, 0, RTOL, RTOL, f -> { });
                Parts parts = null;
                if (steps == o.largest()) {
                    listener.on(base + 0.55 * share, "solver and estimator of " + m.name());
                    Likelihood.Result tight = lik.nll(held, 0, 0, TIGHT, TIGHT, f -> { });
                    Likelihood.Result hutch = lik.nll(held, 1, 1, RTOL, RTOL, f -> { });
                    // the same on training points: a gap there is not overfitting
                    Dataset seen = head(train, n);
                    Likelihood.Result onTrain = lik.nll(seen, 0, 0, TIGHT, TIGHT, f -> { });
                    double[] seenTruth = new double[seen.count()];
                    for (int i = 0; i < seenTruth.length; i++) {
                        seenTruth[i] = -truth.logDensity(seen.values(), i * seen.dim());
                    }
                    listener.on(base + 0.85 * share, "prior, truncation and jitter of " + m.name());
                    FlowBias bias = new FlowBias(model, truth);
                    double[] y = model.standardizer().standardized(held);
                    double[] ref = model.standardizer().standardized(reference);
                    parts = new Parts(difference(tight.values(), trueNll), tight.meanNfe(),
                            difference(hutch.values(), exact.values()),
                            bias.prior(y, n, ref, reference.count(), 11),
                            bias.truncation(y, n, INNER, 12), bias.jitter(y, n, INNER, 13),
                            model.provenance().jitterStd(), difference(onTrain.values(), seenTruth));
                }
                rows.add(new Row(m.name(), steps, t.trainSeconds(), t.reused(), difference(exact.values(), trueNll),
                        exact.meanNfe(), parts));
                done++;
            }
        }
        listener.on(1, "done");
        return new Result(name, train.dim(), train.count(), n, sum / n, rows);
    }

    private static Dataset head(Dataset d, int n) {
        int m = Math.min(n, d.count());
        return new Dataset(d.source(), java.util.Arrays.copyOf(d.values(), m * d.dim()), m, d.dim(), d.sha256() + ":head");
    }

    private static FlowBias.Estimate difference(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return FlowBias.Estimate.of(d);
    }

    static String markdown(Result r, Options o, String command, ObjectNode json) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "## %s (%d-D): held-out NLL against the true density%n%n", r.data(),
                r.dim()));
        md.append("Command: `").append(command).append("`\n\n");
        md.append(String.format(Locale.ROOT, "%d training rows; %d fresh held-out points; true NLL %s nats. Gap ="
                + " model NLL - true NLL on the same points (nats, +- its standard error over the points); exact"
                + " divergence, RK45 at rtol = atol = %s.%n%n", r.trainRows(), r.count(), f4(r.trueNll()), RTOL));
        md.append("""
                | method | training steps | training seconds | model | gap | worst point's gap | NFE per point |
                |---|---|---|---|---|---|---|
                """);
        ArrayNode rows = json.putArray("rows");
        for (Row w : r.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s +- %s | %.2f | %.1f |%n", w.method(), w.steps(),
                    w.trainSeconds(), w.reused() ? "reused" : "trained", f4(w.gap().mean()), f4(w.gap().se()), w.gap().max(),
                    w.nfe()));
            ObjectNode j = rows.addObject().put("method", w.method()).put("steps", w.steps())
                    .put("train_seconds", w.trainSeconds()).put("gap", w.gap().mean()).put("gap_se", w.gap().se())
                    .put("worst_gap", w.gap().max())
                    .put("nfe", w.nfe());
            if (w.parts() != null) {
                Parts p = w.parts();
                j.put("gap_tight", p.tightGap().mean()).put("hutchinson_minus_exact", p.hutchinson().mean())
                        .put("hutchinson_se", p.hutchinson().se()).put("prior", p.prior().mean())
                        .put("prior_se", p.prior().se()).put("truncation", p.truncation().mean())
                        .put("truncation_se", p.truncation().se()).put("jitter", p.jitter().mean())
                        .put("jitter_se", p.jitter().se()).put("jitter_std", p.jitterStd()).put("network", p.network())
                        .put("train_gap", p.trainGap().mean()).put("train_gap_se", p.trainGap().se())
                        .put("fit", p.fit()).put("generalisation", p.generalisation());
            }
        }
        md.append(String.format(Locale.ROOT, "%n### The gap at %d steps taken apart%n%n", o.largest()));
        md.append("Solver: the gap at rtol = atol = " + TIGHT + " (what remains is not the solver's). Estimator: one"
                + " Hutchinson probe minus the exact divergence, point by point (unbiased: its mean should be 0 within"
                + " its error). Prior: KL(p * k(z_max) || prior). Truncation: KL(p || p * k(z_min)). Jitter: KL(p || p *"
                + " N(0, j^2)), j the charge jitter in standardised units. Network: the tight gap minus prior,"
                + " truncation and jitter, split into fit (the same on " + r.count() + " training points: what the"
                + " network misses on data it saw) and generalisation (the rest: what finite training data cost). Monte Carlo with " + INNER + " kernel draws per point and " + REFERENCE
                + " reference points for the prior; +- standard errors.\n\n");
        md.append("| method | gap at " + RTOL + " | gap at " + TIGHT + " (NFE) | Hutchinson - exact | prior | truncation | jitter (j) |"
                + " network | gap on training points | fit | generalisation |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row w : r.rows()) {
            Parts p = w.parts();
            if (p == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s (%.0f) | %s +- %s | %s +- %s | %s +- %s | %s +- %s (%s) | %s"
                    + " | %s +- %s | %s | %s |%n",
                    w.method(), f4(w.gap().mean()), f4(p.tightGap().mean()), p.tightNfe(), f4(p.hutchinson().mean()),
                    f4(p.hutchinson().se()), f4(p.prior().mean()), f4(p.prior().se()), f4(p.truncation().mean()),
                    f4(p.truncation().se()), f4(p.jitter().mean()), f4(p.jitter().se()), f4(p.jitterStd()),
                    f4(p.network()), f4(p.trainGap().mean()), f4(p.trainGap().se()), f4(p.fit()),
                    f4(p.generalisation())));
        }
        json.put("data", r.data()).put("dim", r.dim()).put("train_rows", r.trainRows()).put("count", r.count())
                .put("true_nll", r.trueNll()).put("command", command);
        return md.toString();
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
