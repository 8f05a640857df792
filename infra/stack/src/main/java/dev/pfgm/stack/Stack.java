package dev.pfgm.stack;

import dev.pfgm.gateway.Gateway;
import dev.pfgm.shared.PrivateFile;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.stack.servers.EmbeddedKafka;
import dev.pfgm.stack.servers.EmbeddedPostgres;
import dev.pfgm.stack.servers.EmbeddedS3;
import dev.pfgm.worker.Worker;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole service in one process, no Docker: PostgreSQL, Kafka (KRaft), an S3-compatible store,
 * the gateway and K workers, with all state under one folder. Ports and credentials chosen on the
 * first start are kept in DIR/stack.properties, so a restart finds the same data behind the same
 * addresses. DIR/stack.env holds the settings another worker process needs to join.
 */
public final class Stack implements AutoCloseable {
    private final Path dir;
    private EmbeddedPostgres postgres;
    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private final Properties state;
    private final Config config;
    private Gateway gateway;
    private final List<Worker> workers = new ArrayList<>();
    private String adminKey;
    private int boundHttpPort;

    /** The settings the stack sets to its own servers and folder: the environment's are not used. */
    public static final java.util.Set<String> CHOSEN = java.util.Set.of(Settings.DB_URL.name(), Settings.DB_USER.name(),
            Settings.DB_PASSWORD.name(), Settings.KAFKA.name(), Settings.S3_ENDPOINT.name(), Settings.S3_ACCESS_KEY.name(),
            Settings.S3_SECRET_KEY.name(), Settings.S3_BUCKET.name(), Settings.HTTP_PORT.name(),
            Settings.ADMIN_KEY_FILE.name(), Settings.WORK_DIR.name());

    /** What to start. {@code overrides} replace service settings (tests shorten leases, for example). */
    public record Options(Path dataDir, int port, int workers, Map<String, String> overrides) {
    }

    private Stack(Path dir, EmbeddedPostgres postgres, EmbeddedKafka kafka, EmbeddedS3 s3, Config config,
            Properties state) {
        this.dir = dir;
        this.state = state;
        this.postgres = postgres;
        this.kafka = kafka;
        this.s3 = s3;
        this.config = config;
    }

    /** Starts the servers only; call {@link #startGateway()} and {@link #addWorker()} next. */
    public static Stack startServers(Options o) throws Exception {
        Map<String, String> tuning = checkSettings(o);
        Path dir = Files.createDirectories(o.dataDir().toAbsolutePath());
        Properties state = loadState(dir, o.port());
        EmbeddedPostgres pg = null;
        EmbeddedKafka kafka = null;
        EmbeddedS3 s3 = null;
        try {
            pg = EmbeddedPostgres.start(dir.resolve("postgres"), port(state, "postgres.port"));
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), port(state, "kafka.port"),
                    port(state, "kafka.controller.port"));
            s3 = EmbeddedS3.start(dir.resolve("objects"), port(state, "s3.port"), state.getProperty("s3.access"),
                    state.getProperty("s3.secret"));
        } catch (Exception e) {
            closeQuietly(s3);
            closeQuietly(kafka);
            closeQuietly(pg);
            throw e;
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(Settings.DB_URL.name(), pg.jdbcUrl());
        env.put(Settings.DB_USER.name(), "postgres");
        env.put(Settings.DB_PASSWORD.name(), "");
        env.put(Settings.KAFKA.name(), kafka.bootstrap());
        env.put(Settings.S3_ENDPOINT.name(), s3.endpoint());
        env.put(Settings.S3_ACCESS_KEY.name(), state.getProperty("s3.access"));
        env.put(Settings.S3_SECRET_KEY.name(), state.getProperty("s3.secret"));
        env.put(Settings.S3_BUCKET.name(), "pfgm");
        env.put(Settings.HTTP_PORT.name(), state.getProperty("http.port"));
        env.put(Settings.ADMIN_KEY_FILE.name(), dir.resolve("api-key").toString());
        env.put(Settings.WORK_DIR.name(), dir.resolve("work").toString());
        tuning.forEach(env::putIfAbsent);
        env.putAll(o.overrides());
        try {
            Config config = Config.from(env);
            writeEnv(dir.resolve("stack.env"), env);
            return new Stack(dir, pg, kafka, s3, config, state);
        } catch (RuntimeException | IOException e) {
            closeQuietly(s3);
            closeQuietly(kafka);
            closeQuietly(pg);
            throw e;
        }
    }

    /**
     * The settings the environment and {@code o} give, checked before anything starts (a malformed
     * one was found after PostgreSQL had started, and the failed start left PostgreSQL running).
     *
     * @throws IllegalArgumentException naming each malformed setting
     */
    public static Map<String, String> checkSettings(Options o) {
        Map<String, String> tuning = tuning(o);
        Config.from(tuning, Settings.ALL.stream().filter(s -> tuning.containsKey(s.name())).toList());
        return tuning;
    }

    /** What the stack does not choose itself: tuning settings (pool sizes, leases, ...) from the environment, and the overrides. */
    private static Map<String, String> tuning(Options o) {
        Map<String, String> t = new LinkedHashMap<>();
        for (dev.pfgm.shared.config.Setting s : Settings.ALL) {
            String v = System.getenv(s.name());
            if (v != null && !CHOSEN.contains(s.name())) {
                t.put(s.name(), v);
            }
        }
        t.putAll(o.overrides());
        return t;
    }

    /** Everything: servers, gateway and {@code o.workers()} workers. */
    public static Stack start(Options o) throws Exception {
        Stack s = startServers(o);
        try {
            s.startGateway();
            for (int i = 0; i < o.workers(); i++) {
                s.addWorker();
            }
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    public synchronized void startGateway() throws Exception {
        if (gateway != null) {
            throw new IllegalStateException("the gateway is running");
        }
        // a restart keeps the address the first start was given, so clients holding url() find it again
        gateway = Gateway.start(boundHttpPort == 0 ? config
                : config.with(Map.of(Settings.HTTP_PORT.name(), Integer.toString(boundHttpPort))));
        boundHttpPort = gateway.port();
        gateway.firstAdminKey().ifPresent(k -> adminKey = k.key());
        if (adminKey == null && Files.exists(dir.resolve("api-key"))) {
            adminKey = Files.readString(dir.resolve("api-key")).strip();
        }
    }

    public synchronized void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    public synchronized Worker addWorker() throws Exception {
        Worker w = Worker.start(config.with(Map.of(Settings.WORKER_ID.name(), "local-" + (workers.size() + 1) + "-"
                + ProcessHandle.current().pid())));
        workers.add(w);
        return w;
    }

    /** The workers running in this process now. */
    public synchronized List<Worker> workers() {
        return List.copyOf(workers);
    }

    /** Stops the worker named {@code id} (gracefully: its running job goes back to the queue); false if none. */
    public synchronized boolean stopWorker(String id) {
        for (Worker w : workers) {
            if (w.id().equals(id)) {
                w.close();
                workers.remove(w);
                return true;
            }
        }
        return false;
    }

    public synchronized void stopWorkers() {
        for (Worker w : workers) {
            w.close();
        }
        workers.clear();
    }

    /** Stops object storage (an outage, for tests); {@link #startStorage()} brings it back on the same port and data. */
    public synchronized void stopStorage() throws Exception {
        s3.close();
    }

    public synchronized void startStorage() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("objects"), Integer.parseInt(state.getProperty("s3.port")),
                state.getProperty("s3.access"), state.getProperty("s3.secret"));
    }

    /** Stops the Kafka broker (an outage, for tests); {@link #startKafka()} brings it back on the same ports and logs. */
    public synchronized void stopKafka() {
        kafka.close();
    }

    public synchronized void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), Integer.parseInt(state.getProperty("kafka.port")),
                Integer.parseInt(state.getProperty("kafka.controller.port")));
    }

    /** Stops PostgreSQL (an outage, for tests); {@link #startDatabase()} brings it back on the same port and data. */
    public synchronized void stopDatabase() throws Exception {
        postgres.close();
    }

    public synchronized void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), Integer.parseInt(state.getProperty("postgres.port")));
    }

    /** Messages sent (or waiting in the outbox) for the dead-letter topic: for tests. */
    public long countDeadLettered() throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection(config.get(Settings.DB_URL), config.get(Settings.DB_USER),
                config.get(Settings.DB_PASSWORD)); var st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM outbox WHERE topic = 'pfgm.jobs.dlq'"
                        + " AND payload->>'unreadable' = 'true'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path envFile() {
        return dir.resolve("stack.env");
    }

    public Config config() {
        return config;
    }

    public String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public String adminKey() {
        return adminKey;
    }

    /** True when the admin key was created by this start (the database was new). */
    public boolean firstStart() {
        return gateway != null && gateway.firstAdminKey().isPresent();
    }

    @Override
    public synchronized void close() {
        stopWorkers();
        stopGateway();
        closeQuietly(kafka);
        closeQuietly(s3);
        closeQuietly(postgres);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("stopping " + c.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    // ---- state kept between starts ----

    private static Properties loadState(Path dir, int requestedHttpPort) throws IOException {
        Path file = dir.resolve("stack.properties");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        boolean changed = false;
        for (String k : List.of("postgres.port", "kafka.port", "kafka.controller.port", "s3.port")) {
            if (p.getProperty(k) == null) {
                p.setProperty(k, Integer.toString(freePort()));
                changed = true;
            }
        }
        // 0: the gateway binds a port the kernel picks (one picked here and bound later may be taken in between)
        String http = Integer.toString(requestedHttpPort);
        if (!http.equals(p.getProperty("http.port"))) {
            p.setProperty("http.port", http);
            changed = true;
        }
        if (p.getProperty("s3.access") == null) {
            p.setProperty("s3.access", "pfgm-" + random(6));
            p.setProperty("s3.secret", random(24));
            changed = true;
        }
        if (changed) {
            java.io.StringWriter w = new java.io.StringWriter();
            p.store(w, "ports and credentials of this stack, chosen on its first start");
            PrivateFile.write(file, w.toString()); // it holds the store's secret
        }
        return p;
    }

    private static int port(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }

    /**
     * A port free now, for a server that binds it a few seconds later. Drawn below the kernel's
     * ephemeral range (Linux: 32768-60999) so that no outgoing connection, of this process or of a
     * test JVM beside it, can take it in between, as one the kernel picked from that range could.
     */
    private static int freePort() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < 100; tries++) {
            try (ServerSocket s = new ServerSocket(random.nextInt(20_000, 32_768))) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use: draw again
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void writeEnv(Path file, Map<String, String> env) throws IOException {
        StringBuilder sb = new StringBuilder("# written by ./pfgm up: what a worker needs to join this stack\n"
                + "# (./pfgm worker --env " + file + ")\n");
        env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        PrivateFile.write(file, sb); // the store's secret, and an admin key when one was set
    }
}
