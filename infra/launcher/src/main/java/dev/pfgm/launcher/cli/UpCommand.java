package dev.pfgm.launcher.cli;

import dev.pfgm.stack.Stack;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** ./pfgm up: the whole service in this process, state under one folder. */
public final class UpCommand implements Command {
    @Override
    public String name() {
        return "up";
    }

    @Override
    public String summary() {
        return "run the job service: PostgreSQL, Kafka, S3 store, gateway and workers";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm up [--data-dir DIR] [--port 8080] [--workers K]",
                "  starts PostgreSQL, Kafka (KRaft), an S3-compatible store over DIR/objects, the HTTP gateway",
                "  and K workers (default 1) in this process; all state lives under DIR (default ./.pfgm).",
                "  Prints the URL and, on the first start, an admin API key (also in DIR/api-key).",
                "  DIR/stack.env lets more workers join: ./pfgm worker --env DIR/stack.env. Ctrl-C stops.");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("up", argv, Set.of("data-dir", "port", "workers"), Set.of());
        Path dir = Path.of(a.string("data-dir", ".pfgm"));
        int port = a.integer("port", 8080, 0, 65535);
        int workers = a.integer("workers", 1, 0, 64);
        long t0 = System.nanoTime();
        System.err.println("pfgm up: starting PostgreSQL, Kafka, S3 store, gateway and " + workers + " worker(s) under "
                + dir.toAbsolutePath());
        Stack stack = Stack.start(new Stack.Options(dir, port, workers, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("pfgm up: stopping");
            stack.close();
            stopped.countDown();
        }, "pfgm-up-shutdown"));
        System.err.printf("pfgm up: ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.err.println("  URL:      " + stack.url());
        if (stack.firstStart()) {
            System.err.println("  API key:  " + stack.adminKey() + "   (admin; also in " + dir.resolve("api-key") + ")");
        } else {
            System.err.println("  API key:  in " + dir.resolve("api-key") + " (created on the first start)");
        }
        System.err.println("  env:      " + stack.envFile() + "   (./pfgm worker --env " + stack.envFile() + ")");
        System.err.println("  Ctrl-C stops everything; restarting with the same --data-dir keeps all data.");
        new Summary().put("url", stack.url()).put("api_key_file", dir.resolve("api-key").toString())
                .put("env_file", stack.envFile().toString()).put("workers", workers).print();
        System.out.flush();
        stopped.await();
    }
}
