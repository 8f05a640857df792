package dev.pfgm.launcher.cli;

import dev.pfgm.stack.bench.ServiceBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm bench-service: the job service's speed on a fresh one-command stack. */
@Command(name = "bench-service",
        description = "time the job service (submissions/s, latency, submit-to-running, polls/s)",
        footer = {"Starts a stack in a temporary folder (1 worker), measures submit-to-running over --jobs tiny jobs",
            "with the worker idle, then, with the worker stopped, POST /v1/jobs and GET /v1/jobs/{id} under a",
            "closed loop of --clients clients for --seconds each; writes the service section of FILE."})
public final class ServiceBenchCommand extends CliCommand {
    static final BenchSection SECTION = new BenchSection("service-bench", "Job service");

    @Option(names = "--clients", paramLabel = "N", description = "closed-loop clients, 1..1024 (default 32)")
    int clients = 32;

    @Option(names = "--seconds", paramLabel = "S", description = "seconds of each load, 1..3600 (default 20)")
    int seconds = 20;

    @Option(names = "--jobs", paramLabel = "N", description = "tiny jobs timed submit-to-running, 1..10,000 (default 50)")
    int jobs = 50;

    @Mixin
    BenchOutput output;

    @Override
    protected void run() throws Exception {
        output.check();
        Check.range("--clients", clients, 1, 1024);
        Check.range("--seconds", seconds, 1, 3600);
        Check.range("--jobs", jobs, 1, 10_000);
        Path dir = Files.createTempDirectory("pfgm-bench-service");
        ServiceBench.Result r = new ServiceBench().run(dir, clients, seconds, jobs, line -> System.err.println("bench: " + line));
        if (output.writes()) {
            section(output.file(), r);
            System.err.println("bench: wrote the service section of " + output.file());
        }
        new Summary().put("clients", r.clients()).put("submits_per_second", r.submitsPerSecond())
                .put("submit_p50_ms", r.submitP50Ms()).put("submit_p99_ms", r.submitP99Ms())
                .put("submit_errors", r.submitErrors()).put("start_p50_ms", r.startP50Ms())
                .put("start_p99_ms", r.startP99Ms()).put("polls_per_second", r.pollsPerSecond())
                .put("poll_p50_ms", r.pollP50Ms()).put("poll_p99_ms", r.pollP99Ms()).print();
    }

    static void section(Path file, ServiceBench.Result r) throws Exception {
        String table = SECTION.mark(String.join("\n",
                "| measure | figure | goal |",
                "|---|---|---|",
                String.format(Locale.ROOT, "| `POST /v1/jobs`, %d clients, closed loop, %.0f s | %.0f submissions/s (%d errors) | >= 1,000/s |",
                        r.clients(), r.submitSeconds(), r.submitsPerSecond(), r.submitErrors()),
                String.format(Locale.ROOT, "| `POST /v1/jobs` latency | p50 %.2f ms, p99 %.2f ms | p99 < 50 ms |",
                        r.submitP50Ms(), r.submitP99Ms()),
                String.format(Locale.ROOT, "| submit to `running`, idle worker, %d jobs | p50 %.1f ms, p99 %.1f ms | p50 < 100 ms |",
                        r.startJobs(), r.startP50Ms(), r.startP99Ms()),
                String.format(Locale.ROOT, "| `GET /v1/jobs/{id}`, %d clients | %.0f polls/s, p50 %.2f ms, p99 %.2f ms | |",
                        r.clients(), r.pollsPerSecond(), r.pollP50Ms(), r.pollP99Ms())) + "\n");
        SECTION.write(file, table);
    }
}
