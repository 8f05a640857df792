package dev.pfgm.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a gateway or worker in a JVM of its own on this JVM's class path, configured by a stack's
 * env file: for ./pfgm up (a heap per component) and for tests that kill or pause one process.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** A worker joining the stack of {@code envFile}, output appended to {@code log}. */
    public static Process worker(Path envFile, List<String> javaOptions, Map<String, String> env, Path log)
            throws IOException {
        return start("dev.pfgm.worker.WorkerMain", List.of("--env", envFile.toString()), javaOptions, env, log);
    }

    /** A gateway serving the stack of {@code envFile} on {@code port} (0: any free port, logged). */
    public static Process gateway(Path envFile, int port, List<String> javaOptions, Map<String, String> env, Path log)
            throws IOException {
        return start("dev.pfgm.gateway.GatewayMain", List.of("--env", envFile.toString(), "--port",
                Integer.toString(port)), javaOptions, env, log);
    }

    /** The URL a gateway started by {@link #gateway} serves, once it listens (its log says so). */
    public static String awaitListening(Process gateway, Path log, int seconds) throws IOException, InterruptedException {
        Pattern listening = Pattern.compile("gateway listening on (http://\\S+)");
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (Files.exists(log)) {
                Matcher m = listening.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not start in " + seconds + " s; its log: " + log);
    }

    private static Process start(String main, List<String> args, List<String> javaOptions, Map<String, String> env,
            Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }
}
