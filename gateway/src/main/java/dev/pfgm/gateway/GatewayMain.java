package dev.pfgm.gateway;

import dev.pfgm.shared.config.Config;
import java.util.concurrent.CountDownLatch;

/** Runs the gateway alone, configured by environment variables (see Settings). */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.err.println("pfgm gateway, settings:\n" + config.describe());
        Gateway g = Gateway.start(config);
        g.firstAdminKey().ifPresent(k -> System.err.println("first start: admin API key " + k.key()));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            g.close();
            stop.countDown();
        }));
        stop.await();
    }
}
