package dev.pfgm.launcher.cli;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.stack.bench.SoakBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm bench-soak: a mixed load held for a while; the gateway's memory and the queue over time. */
@Command(name = "bench-soak",
        description = "hold a mixed load on a fresh stack; throughput, latency, gateway heap/RSS and queue over time",
        footer = {"Starts a stack in a temporary folder with the gateway and the workers in JVMs of their own;",
            "--clients clients read jobs, lists, events and quotas and upload small CSV datasets (3%% of requests)",
            "while train, generate and likelihood jobs are offered at --jobs-per-second; every --window seconds",
            "prints requests/s, p50/p99, errors, the gateway's heap (least and most seen) and RSS, and the queue.",
            "Writes the soak section for this duration (and hostile count) of FILE."})
public final class SoakBenchCommand extends CliCommand {
    @Option(names = "--clients", paramLabel = "N", description = "closed-loop clients, a tenant each, 1..1024 (default 32)")
    int clients = 32;

    @Option(names = "--seconds", paramLabel = "S", description = "the load's length, 10..86,400 (default 600)")
    int seconds = 600;

    @Option(names = "--window", paramLabel = "S", description = "seconds between reports (default 30)")
    int window = 30;

    @Option(names = "--workers", paramLabel = "K", description = "worker JVMs, 1..16 (default 1)")
    int workers = 1;

    @Option(names = "--jobs-per-second", paramLabel = "R", description = "jobs offered per second (default 2)")
    double jobsPerSecond = 2;

    @Option(names = "--gateway-heap", paramLabel = "SIZE", description = "the gateway's heap limit (default 512m)")
    String heap = "512m";

    @Option(names = "--hostile-clients", paramLabel = "N",
            description = "more clients, as one more tenant, uploading the 240 KB .npy header that once froze the"
                    + " gateway, in a loop, all along (default 0)")
    int hostileClients;

    @Mixin
    BenchOutput output;

    @Override
    protected void run() throws Exception {
        output.check();
        Check.range("--seconds", seconds, 10, 86_400);
        Check.range("--window", window, 1, seconds);
        if (!heap.matches("[1-9][0-9]{0,5}[mMgG]")) {
            throw new InvalidInputException("--gateway-heap: '" + heap + "' is not a heap size such as 512m or 1g");
        }
        SoakBench.Options o = new SoakBench.Options(Check.range("--clients", clients, 1, 1024), seconds, window,
                Check.range("--workers", workers, 1, 16), Check.open("--jobs-per-second", jobsPerSecond, 0, 1000),
                heap, Check.range("--hostile-clients", hostileClients, 0, 64));
        Path dir = Files.createTempDirectory("pfgm-bench-soak");
        SoakBench.Result r = new SoakBench().run(dir, o, line -> System.err.println("bench: " + line));
        if (output.writes()) {
            section(output.file(), r);
            System.err.println("bench: wrote the " + seconds + " s soak section of " + output.file());
        }
        new Summary().put("clients", o.clients()).put("seconds", o.seconds()).put("requests", r.requests())
                .put("errors", r.errors()).put("errors_by_status", new java.util.TreeMap<>(r.errorsByStatus()).toString()).put("requests_per_second", r.perSecond()).put("p50_ms", r.p50Ms())
                .put("p99_ms", r.p99Ms()).put("uploads", r.uploads()).put("uploads_shed", r.shed()).put("jobs_offered", r.jobsOffered()).put("hostile_uploads", r.hostileUploads()).print();
    }

    static void section(Path file, SoakBench.Result r) throws Exception {
        SoakBench.Options o = r.options();
        String key = o.seconds() + "s" + (o.hostileClients() > 0 ? "-hostile" + o.hostileClients() : "");
        BenchSection section = new BenchSection("bench-soak:" + key, "Job service: held load and soak");
        List<String> lines = new ArrayList<>(List.of(
                String.format(Locale.ROOT, "`./pfgm bench-soak --clients %d --seconds %d --window %d --workers %d"
                        + " --jobs-per-second %s --gateway-heap %s%s`: %,d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms,"
                        + " %d errors (%.3f%%; by status, 0 = no answer: %s), %,d uploads (%,d more shed with 503 + Retry-After and retried), %,d jobs offered%s; gateway heap limit %d MB,"
                        + " live heap after a full collection (`jcmd PID GC.run`) %d MB before the load and %d MB after it.",
                        o.clients(), o.seconds(), o.windowSeconds(), o.workers(), trim(o.jobsPerSecond()), o.gatewayHeap(),
                        o.hostileClients() > 0 ? " --hostile-clients " + o.hostileClients() : "",
                        r.requests(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.errors(),
                        100.0 * r.errors() / Math.max(1, r.requests()), new java.util.TreeMap<>(r.errorsByStatus()), r.uploads(), r.shed(), r.jobsOffered(), o.hostileClients() > 0 ? String.format(Locale.ROOT,
                        "; meanwhile %d hostile clients had %,d hostile uploads answered", o.hostileClients(),
                        r.hostileUploads()) : "", r.heapMaxMb(),
                        r.liveHeapBeforeMb(), r.liveHeapAfterMb()),
                "",
                "| at s | req/s | p50 ms | p99 ms | errors | uploads (shed) | gateway heap MB (least-most) | gateway RSS MB | queued (most) | running | succeeded | failed |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|"));
        for (SoakBench.Window w : r.windows()) {
            lines.add(String.format(Locale.ROOT, "| %.0f | %.0f | %.2f | %.2f | %d | %d (%d) | %d-%d | %d | %d | %d | %d | %d |",
                    w.endSeconds(), w.requests() / (double) o.windowSeconds(), w.p50Ms(), w.p99Ms(), w.errors(), w.uploads(), w.shed(),
                    w.heapMinMb(), w.heapMaxMb(), w.rssMb(), w.queuedMax(), w.running(), w.succeeded(), w.failed()));
        }
        if (r.windows().size() >= 2) {
            // where the time of a request went at the start and at the end: what grew, if anything did
            SoakBench.Window a = r.windows().get(0);
            SoakBench.Window b = r.windows().get(r.windows().size() - 1);
            lines.add("");
            lines.add(String.format(Locale.ROOT, "Mean gateway time per request by route (its /metrics histogram sums), first"
                    + " window and last: %s", routes(a, b)));
        }
        section.write(file, section.mark(String.join("\n", lines) + "\n"));
    }

    private static String routes(SoakBench.Window a, SoakBench.Window b) {
        List<String> parts = new ArrayList<>();
        for (String route : b.routeMeanMs().keySet()) {
            Double first = a.routeMeanMs().get(route);
            parts.add(String.format(Locale.ROOT, "`%s` %s -> %.2f ms", route, first == null ? "-" : String.format(
                    Locale.ROOT, "%.2f", first), b.routeMeanMs().get(route)));
        }
        return String.join("; ", parts);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
