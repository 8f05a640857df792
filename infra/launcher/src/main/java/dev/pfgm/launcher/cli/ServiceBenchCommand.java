package dev.pfgm.launcher.cli;

import dev.pfgm.stack.bench.ServiceBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** ./pfgm bench-service: the job service's speed on a fresh one-command stack. */
public final class ServiceBenchCommand implements Command {
    static final String START = "<!-- service-bench:start -->";
    static final String END = "<!-- service-bench:end -->";

    @Override
    public String name() {
        return "bench-service";
    }

    @Override
    public String summary() {
        return "time the job service (submissions/s, latency, submit-to-running, polls/s)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm bench-service [--clients 32] [--seconds 20] [--jobs 50] [--write FILE|none]",
                "  starts a stack in a temporary folder (1 worker), measures submit-to-running over --jobs tiny",
                "  jobs with the worker idle, then, with the worker stopped, POST /v1/jobs and GET /v1/jobs/{id}",
                "  under a closed loop of --clients clients for --seconds each; writes the service section of",
                "  FILE (default docs/benchmarks.md)");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("bench-service", argv, Set.of("clients", "seconds", "jobs", "write"), Set.of());
        int clients = a.integer("clients", 32, 1, 1024);
        int seconds = a.integer("seconds", 20, 1, 3600);
        int jobs = a.integer("jobs", 50, 1, 10_000);
        String write = a.string("write", "docs/benchmarks.md");
        Path dir = Files.createTempDirectory("pfgm-bench-service");
        ServiceBench.Result r = new ServiceBench().run(dir, clients, seconds, jobs, line -> System.err.println("bench: " + line));
        if (!write.equals("none")) {
            section(Path.of(write), r);
            System.err.println("bench: wrote the service section of " + write);
        }
        new Summary().put("clients", r.clients()).put("submits_per_second", r.submitsPerSecond())
                .put("submit_p50_ms", r.submitP50Ms()).put("submit_p99_ms", r.submitP99Ms())
                .put("submit_errors", r.submitErrors()).put("start_p50_ms", r.startP50Ms())
                .put("start_p99_ms", r.startP99Ms()).put("polls_per_second", r.pollsPerSecond())
                .put("poll_p50_ms", r.pollP50Ms()).put("poll_p99_ms", r.pollP99Ms()).print();
    }

    static void section(Path file, ServiceBench.Result r) throws Exception {
        String table = String.join("\n", START,
                "| measure | figure | goal |",
                "|---|---|---|",
                String.format(Locale.ROOT, "| `POST /v1/jobs`, %d clients, closed loop, %.0f s | %.0f submissions/s (%d errors) | >= 1,000/s |",
                        r.clients(), r.submitSeconds(), r.submitsPerSecond(), r.submitErrors()),
                String.format(Locale.ROOT, "| `POST /v1/jobs` latency | p50 %.2f ms, p99 %.2f ms | p99 < 50 ms |",
                        r.submitP50Ms(), r.submitP99Ms()),
                String.format(Locale.ROOT, "| submit to `running`, idle worker, %d jobs | p50 %.1f ms, p99 %.1f ms | p50 < 100 ms |",
                        r.startJobs(), r.startP50Ms(), r.startP99Ms()),
                String.format(Locale.ROOT, "| `GET /v1/jobs/{id}`, %d clients | %.0f polls/s, p50 %.2f ms, p99 %.2f ms | |",
                        r.clients(), r.pollsPerSecond(), r.pollP50Ms(), r.pollP99Ms()),
                END);
        BenchCommand.update(file, table, START, END, "Job service");
    }
}
