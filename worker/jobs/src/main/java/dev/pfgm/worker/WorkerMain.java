package dev.pfgm.worker;

import dev.pfgm.shared.config.Config;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs one worker: `--env FILE` lays a KEY=VALUE file (such as `./pfgm up`'s stack.env) over the environment. */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        Config config;
        try {
            if (args.length == 2 && args[0].equals("--env")) {
                Path env = Path.of(args[1]);
                if (!env.toFile().isFile()) {
                    System.err.println("error: --env: no file at " + env + " (./pfgm up writes DIR/stack.env)");
                    return 2;
                }
                config = Config.fromFile(env);
            } else if (args.length == 0) {
                config = Config.fromEnvironment();
            } else {
                System.err.println("usage: ./pfgm worker [--env DIR/stack.env]");
                return 2;
            }
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        System.err.println("pfgm worker, settings:\n" + config.describe());
        Worker w = Worker.start(config);
        System.err.println("worker " + w.id() + " joined; Ctrl-C stops it (a running job goes back to the queue)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
