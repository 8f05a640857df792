package dev.pfgm.gateway;

import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one more gateway: `--env FILE` lays a KEY=VALUE file (such as `./pfgm up`'s stack.env) over
 * the environment, `--port N` replaces its HTTP port (0: any free port, printed). Gateways share
 * nothing but the database, the broker and the store, so any number can serve one stack.
 */
public final class GatewayMain {
    private static final String USAGE = "usage: ./pfgm gateway [--env DIR/stack.env] [--port N]";

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        Config config;
        try {
            Path env = null;
            String port = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length || !(args[i].equals("--env") || args[i].equals("--port"))) {
                    System.err.println(USAGE);
                    return 2;
                }
                if (args[i].equals("--env")) {
                    env = Path.of(args[i + 1]);
                } else {
                    port = args[i + 1];
                }
            }
            if (env != null && !env.toFile().isFile()) {
                System.err.println("error: --env: no file at " + env + " (./pfgm up writes DIR/stack.env)");
                return 2;
            }
            config = env == null ? Config.fromEnvironment() : Config.fromFile(env);
            Config.warnUnknown(env, System.err);
            if (port != null) {
                try {
                    config = config.with(Map.of(Settings.HTTP_PORT.name(), port));
                } catch (IllegalArgumentException e) {
                    System.err.println("error: --port: " + e.getMessage());
                    return 2;
                }
            }
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        System.err.println("pfgm gateway, settings:\n" + config.describe());
        Gateway g;
        try {
            g = Gateway.start(config);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage()); // a setting the gateway cannot use, named
            return 2;
        }
        g.firstAdminKey().ifPresent(k -> System.err.println("first start: admin API key " + k.key()));
        // a line a supervisor (or a test) can wait for: the port is known only now when it was 0
        System.err.println("gateway listening on http://127.0.0.1:" + g.port());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            g.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
