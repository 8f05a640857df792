package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.client.PfgmClient;
import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The job API from the shell, through {@link PfgmClient}: upload, submit (optionally waiting with a
 * progress bar), status, wait, download, cancel. The service is --url (or PFGM_URL, default
 * http://127.0.0.1:8080) and the key --key (or PFGM_API_KEY, or the file DIR/api-key of ./pfgm up's
 * --data-dir, default .pfgm). A refusal by the API is one line and exit 2, as bad input is.
 */
public final class ClientCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONNECTION = Set.of("url", "key", "data-dir");

    private ClientCommands() {
    }

    /** The client commands, for ./pfgm's command list. */
    public static List<Command> all() {
        return List.of(
                command("upload", "upload a dataset file to the service",
                        "usage: ./pfgm upload --file FILE [--name NAME] [--format npy|csv|idx|png-zip] [connection]",
                        Set.of("file", "name", "format"), Set.of(), ClientCommands::upload),
                command("submit", "submit a job to the service, optionally waiting for it",
                        "usage: ./pfgm submit --job JOB.json|-|'{...}' [--wait] [--timeout SECONDS] [--idempotency-key K]"
                                + " [connection]\n  JOB: the API's job body (a file, - for stdin, or the JSON itself);"
                                + " --wait shows progress\n  until it ends (exit 1 if it failed or was cancelled)",
                        Set.of("job", "timeout", "idempotency-key"), Set.of("wait"), ClientCommands::submit),
                command("status", "show a job of the service", "usage: ./pfgm status --id JOB [connection]",
                        Set.of("id"), Set.of(), (a, c) -> print(c.job(a.required("id")))),
                command("wait", "wait for a job of the service to end, with progress",
                        "usage: ./pfgm wait --id JOB [--timeout SECONDS] [connection]", Set.of("id", "timeout"), Set.of(),
                        (a, c) -> finish(await(a, c, a.required("id")))),
                command("download", "download a job's files from the service",
                        "usage: ./pfgm download --id JOB [--name FILE] [--out DIR] [connection]\n  every file the job"
                                + " lists, or the one named, into DIR (default .)",
                        Set.of("id", "name", "out"), Set.of(), ClientCommands::download),
                command("cancel", "cancel a job of the service", "usage: ./pfgm cancel --id JOB [connection]",
                        Set.of("id"), Set.of(), (a, c) -> print(c.cancel(a.required("id")))));
    }

    @FunctionalInterface
    private interface Action {
        void run(Args a, PfgmClient c) throws Exception;
    }

    private static Command command(String name, String summary, String usage, Set<String> options,
            Set<String> switches, Action action) {
        Set<String> all = new HashSet<>(options);
        all.addAll(CONNECTION);
        String fullUsage = usage + "\n  connection: [--url URL] [--key KEY] [--data-dir DIR]: the service (PFGM_URL,"
                + " default http://127.0.0.1:8080)\n  and the API key (PFGM_API_KEY, or DIR/api-key as ./pfgm up writes"
                + " it; DIR default .pfgm)";
        return new Command() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return summary;
            }

            @Override
            public String usage() {
                return fullUsage;
            }

            @Override
            public void run(String[] argv) throws Exception {
                Args a = Args.parse(name, argv, all, switches);
                try {
                    action.run(a, client(a));
                } catch (PfgmClient.ApiError e) {
                    if (e.status() / 100 == 4) {
                        throw new InvalidInputException(name + ": the service refused it: " + e.getMessage());
                    }
                    throw e;
                }
            }
        };
    }

    static PfgmClient client(Args a) throws IOException {
        String url = a.string("url", System.getenv().getOrDefault("PFGM_URL", "http://127.0.0.1:8080"));
        String key = a.string("key", System.getenv("PFGM_API_KEY"));
        if (key == null) {
            Path file = Path.of(a.string("data-dir", ".pfgm")).resolve("api-key");
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("--key: no API key given (--key, PFGM_API_KEY, or " + file
                        + " as ./pfgm up writes it)");
            }
            key = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new InvalidInputException("--url: '" + url + "' is not an http(s) URL");
        }
        return new PfgmClient(url, key);
    }

    private static void upload(Args a, PfgmClient c) throws Exception {
        Path file = Path.of(a.required("file"));
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("--file: no file at " + file);
        }
        String format;
        try {
            format = a.has("format") ? a.string("format", null) : null;
            print(c.upload(file, a.string("name", file.getFileName().toString()), format));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--format: " + e.getMessage());
        }
    }

    private static void submit(Args a, PfgmClient c) throws Exception {
        String raw = a.required("job");
        String text = raw.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : raw.strip().startsWith("{") ? raw : readFile(raw);
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            throw new InvalidInputException("--job: not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode job = c.submit(body, a.string("idempotency-key", null));
        System.err.println("submitted " + job.path("type").asText() + " job " + job.path("id").asText());
        if (a.flag("wait")) {
            finish(await(a, c, job.path("id").asText()));
        } else {
            print(job);
        }
    }

    private static String readFile(String name) throws IOException {
        Path p = Path.of(name);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("--job: no file at " + p + " (give a file, - for stdin, or the JSON)");
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static JsonNode await(Args a, PfgmClient c, String id) throws Exception {
        long seconds = a.integer("timeout", 86_400, 1, 31_536_000);
        ProgressBar bar = new ProgressBar(id.substring(0, Math.min(8, id.length())));
        try {
            return c.await(id, Duration.ofSeconds(seconds), j -> bar.update(j.path("progress").path("fraction")
                    .asDouble(0), j.path("status").asText() + (j.path("progress").hasNonNull("message")
                    ? " " + j.path("progress").path("message").asText() : "")));
        } finally {
            bar.close();
        }
    }

    /** Prints the job; a failed or cancelled one also says why on stderr and exits 1. */
    private static void finish(JsonNode job) throws IOException {
        print(job);
        String status = job.path("status").asText();
        if (!job.path("terminal").asBoolean()) {
            throw new IOException("job " + job.path("id").asText() + " is still " + status + " after --timeout");
        }
        if (!status.equals("succeeded")) {
            throw new IOException("job " + job.path("id").asText() + " " + status + (job.path("error").isObject()
                    ? ": " + job.path("error").path("code").asText() + ": " + job.path("error").path("message").asText()
                    : ""));
        }
    }

    private static void download(Args a, PfgmClient c) throws Exception {
        String id = a.required("id");
        Path dir = Files.createDirectories(Path.of(a.string("out", ".")));
        List<String> names = new ArrayList<>();
        if (a.has("name")) {
            names.add(a.required("name"));
        } else {
            c.artifacts(id).path("files").forEach(f -> names.add(f.path("name").asText()));
        }
        Summary s = new Summary();
        long bytes = 0;
        for (String n : names) {
            if (n.contains("/") || n.contains("\\") || n.startsWith(".")) {
                throw new InvalidInputException("download: the service named a file '" + n + "' this will not write");
            }
            Path out = c.download(id, n, dir.resolve(n));
            bytes += Files.size(out);
            System.err.println(String.format(Locale.ROOT, "downloaded %s (%,d bytes)", out, Files.size(out)));
        }
        s.put("job", id).put("files", names.size()).put("bytes", bytes).put("dir", dir.toString()).print();
    }

    private static void print(JsonNode n) throws IOException {
        System.out.println(JSON.writeValueAsString(n));
    }
}
