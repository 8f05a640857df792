package dev.pfgm.worker;

import dev.pfgm.shared.config.Config;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs one worker: `--env FILE` lays a KEY=VALUE file (such as `./pfgm up`'s stack.env) over the environment. */
public final class WorkerMain {
    /** Set by ./pfgm up for the workers it starts: they stop when that process is gone (even killed). */
    public static final String PARENT_PID = "PFGM_UP_PARENT_PID";
    /** Exit code when the compute backend cannot start on this node (as ./pfgm's). */
    public static final int BACKEND_UNAVAILABLE = 4;

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Exits (through the shutdown hook, handing a running job back) once ./pfgm up's process has gone. */
    private static void watchParent() {
        String pid = System.getenv(PARENT_PID);
        if (pid == null || !pid.matches("\\d{1,18}")) {
            return;
        }
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
        Thread t = new Thread(() -> {
            while (parent.isPresent() && parent.get().isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("pfgm worker: ./pfgm up (pid " + pid + ") is gone; stopping");
            System.exit(0);
        }, "pfgm-parent-watch");
        t.setDaemon(true);
        t.start();
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
        Config.warnUnknown(args.length == 2 ? Path.of(args[1]) : null, System.err);
        System.err.println("pfgm worker, settings:\n" + config.describe());
        try {
            // a worker on a node that cannot run its backend says so and leaves, instead of failing every job
            dev.pfgm.engine.nn.ComputeDevice.requireAvailable();
        } catch (dev.pfgm.engine.nn.ComputeDevice.UnavailableException e) {
            System.err.println("error: " + e.getMessage());
            return BACKEND_UNAVAILABLE;
        }
        System.err.println("compute: " + dev.pfgm.engine.nn.ComputeDevice.backend() + ", "
                + dev.pfgm.engine.nn.ComputeDevice.device());
        Worker w;
        WorkerHealth health;
        try {
            w = Worker.start(config);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage()); // a setting it cannot use, named
            return 2;
        }
        try {
            int healthPort = config.getInt(dev.pfgm.shared.config.Settings.WORKER_HEALTH_PORT);
            health = healthPort > 0 ? WorkerHealth.start(w, healthPort) : null;
        } catch (IllegalArgumentException e) {
            w.close();
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        System.err.println("worker " + w.id() + " joined" + (health == null ? "" : "; health on port " + health.port())
                + "; Ctrl-C stops it (a running job goes back to the queue)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close();
            if (health != null) {
                health.close();
            }
            stopped.countDown();
        }));
        watchParent();
        stopped.await();
        return 0;
    }
}
