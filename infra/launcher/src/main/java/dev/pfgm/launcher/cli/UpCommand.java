package dev.pfgm.launcher.cli;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.stack.ChildJvm;
import dev.pfgm.stack.Stack;
import dev.pfgm.stack.WorkerProcesses;
import dev.pfgm.worker.WorkerMain;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ./pfgm up: the whole service on this machine, state under one folder: PostgreSQL, Kafka, the S3
 * store and the gateway in this process, each worker in a JVM of its own, so that a job that
 * exhausts a worker's heap cannot take the gateway (or another worker) down with it; a worker
 * that dies is started again.
 */
@Command(name = "up", description = "run the job service: PostgreSQL, Kafka, S3 store, gateway and workers",
        footer = {"Starts PostgreSQL, Kafka (KRaft), an S3-compatible store over DIR/objects and the HTTP gateway in",
            "this process, and K workers as processes of their own (JVM options from PFGM_WORKER_JAVA_OPTS, logs",
            "in DIR/worker-N.log; one that exits unasked is started again after a backoff of 1 s, doubling to",
            "60 s while it keeps failing). Prints the URL and, on the first start, an admin API key (also in",
            "DIR/api-key). DIR/stack.env lets more workers join: ./pfgm worker --env DIR/stack.env. Ctrl-C stops."})
public final class UpCommand extends CliCommand {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "where all state lives (default ./.pfgm)")
    Path dir = Path.of(".pfgm");

    @Option(names = "--port", paramLabel = "PORT", description = "the gateway's port, 0..65535; 0: any free port (default 8080)")
    int port = 8080;

    @Option(names = "--workers", paramLabel = "K", description = "worker processes, 0..64 (default 1)")
    int workers = 1;

    /** A worker JVM on this one's class path, told this process's pid so that it stops if this one dies. */
    static Process startWorker(Path env, Path log, int index) throws java.io.IOException {
        String opts = System.getenv("PFGM_WORKER_JAVA_OPTS");
        List<String> javaOptions = opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
        long pid = ProcessHandle.current().pid();
        return ChildJvm.worker(env, javaOptions, Map.of("PFGM_WORKER_ID", "up-" + index + "-" + pid,
                WorkerMain.PARENT_PID, Long.toString(pid)), log);
    }

    @Override
    protected void run() throws Exception {
        Check.range("--port", port, 0, 65535);
        Check.range("--workers", workers, 0, 64);
        Stack.Options options = new Stack.Options(dir, port, 0, Map.of());
        try {
            Stack.checkSettings(options);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage()); // a setting in the environment, named: bad input
        }
        dev.pfgm.shared.config.Config.warnUnknown(null, System.err);
        for (String name : new java.util.TreeSet<>(Stack.CHOSEN)) {
            if (System.getenv(name) != null) {
                System.err.println("warning: " + name + " is set by up to its own servers and folder; the environment's"
                        + " value is not used");
            }
        }
        if (port > 0) {
            // found before anything starts: a taken port failed the gateway after PostgreSQL and Kafka
            // had started, as "ExecutionException: BindException" naming neither the port nor --port
            try {
                new java.net.ServerSocket(port).close();
            } catch (java.io.IOException e) {
                throw new InvalidInputException("--port: " + port + " is in use; choose another, or 0 for any free port");
            }
        }
        long t0 = System.nanoTime();
        System.err.println("pfgm up: starting PostgreSQL, Kafka, S3 store, gateway and " + workers + " worker(s) under "
                + dir.toAbsolutePath());
        Stack stack = Stack.start(options);
        java.util.concurrent.atomic.AtomicReference<WorkerProcesses> children = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("pfgm up: stopping");
            // workers first (SIGTERM: each hands its running job back), then the servers they use
            WorkerProcesses w = children.get();
            if (w != null) {
                w.close();
            }
            stack.close();
            stopped.countDown();
        }, "pfgm-up-shutdown"));
        // a worker that exits unasked is started again (after a backoff), except when it never could start here
        children.set(new WorkerProcesses(workers, i -> startWorker(stack.envFile(), dir.resolve("worker-" + (i + 1) + ".log"),
                i + 1), Set.of(2, WorkerMain.BACKEND_UNAVAILABLE), System.err));
        System.err.printf("pfgm up: ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.err.println("  URL:      " + stack.url());
        if (stack.firstStart()) {
            System.err.println("  API key:  " + stack.adminKey() + "   (admin; also in " + dir.resolve("api-key") + ")");
        } else if (java.nio.file.Files.exists(dir.resolve("api-key"))) {
            System.err.println("  API key:  in " + dir.resolve("api-key") + " (created on the first start)");
        } else {
            // the operator's own (PFGM_ADMIN_KEY): no file was written, and none is named
            System.err.println("  API key:  the operator's, from " + dev.pfgm.shared.config.Settings.ADMIN_KEY.name());
        }
        System.err.println("  env:      " + stack.envFile() + "   (./pfgm worker --env " + stack.envFile() + ")");
        if (workers > 0) {
            System.err.println("  workers:  " + workers + " process(es), logs in " + dir.resolve("worker-N.log"));
        }
        System.err.println("  Ctrl-C stops everything; restarting with the same --data-dir keeps all data.");
        new Summary().put("url", stack.url()).put("api_key_file", dir.resolve("api-key").toString())
                .put("env_file", stack.envFile().toString()).put("workers", workers).print();
        System.out.flush();
        stopped.await();
    }
}
