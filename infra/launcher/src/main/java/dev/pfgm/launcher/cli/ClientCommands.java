package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.client.JobFilter;
import dev.pfgm.client.PfgmClient;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.StrictJson;
import dev.pfgm.shared.Text;
import dev.pfgm.shared.data.DataFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The job API from the shell, through {@link PfgmClient}: upload, submit (optionally waiting with a
 * progress bar), status, wait, download, cancel, and listing and deleting jobs. A refusal by the
 * API is one line and exit 2, as bad input is.
 */
public final class ClientCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientCommands() {
    }

    /** --url, --key and --data-dir: the service and the API key to call it with. */
    static final class Connection {
        @Option(names = "--url", paramLabel = "URL", description = "the service (PFGM_URL, default http://127.0.0.1:8080)")
        String url = System.getenv().getOrDefault("PFGM_URL", "http://127.0.0.1:8080");

        @Option(names = "--key", paramLabel = "KEY",
                description = "the API key (PFGM_API_KEY, or DIR/api-key as ./pfgm up writes it)")
        String key;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "./pfgm up's folder, for its api-key (default .pfgm)")
        Path dataDir = Path.of(".pfgm");

        PfgmClient client() throws IOException {
            String k = key;
            // a refused key is named where it came from: the flag, the environment or the file
            String source = "--key";
            if (k == null && System.getenv("PFGM_API_KEY") != null) {
                k = System.getenv("PFGM_API_KEY");
                source = "PFGM_API_KEY";
            }
            if (k == null) {
                Path file = dataDir.resolve("api-key");
                if (!Files.isRegularFile(file)) {
                    throw new InvalidInputException("--key: no API key given (--key, PFGM_API_KEY, or " + file
                            + " as ./pfgm up writes it; run from the folder up ran in, or name its folder with"
                            + " --data-dir)");
                }
                try {
                    k = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new InvalidInputException("--key: " + file + " is not UTF-8 text, so not an API key");
                }
                source = file.toString();
            }
            try {
                PfgmClient.checkUrl(url);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--url: " + e.getMessage());
            }
            try {
                return new PfgmClient(url, k);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(source + ": " + e.getMessage());
            }
        }
    }

    /** A command calling the service: the API's 4xx refusals are bad input (exit 2). */
    abstract static class ServiceCommand extends CliCommand {
        @Mixin
        Connection connection;

        @Override
        protected final void run() throws Exception {
            try {
                call(connection.client());
            } catch (PfgmClient.ApiError e) {
                if (e.status() / 100 == 4) {
                    throw new InvalidInputException(spec.name() + ": the service refused it: " + e.getMessage());
                }
                throw e;
            }
        }

        abstract void call(PfgmClient c) throws Exception;
    }

    /** A command about one job of the service: --id. */
    abstract static class JobCommand extends ServiceCommand {
        @Option(names = "--id", required = true, paramLabel = "JOB", description = "the job")
        String id;
    }

    /** The job's --timeout: how long wait and submit --wait follow it. */
    static final class Timeout {
        @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait, 1..31,536,000 (default 86400)")
        int seconds = 86_400;
    }

    @Command(name = "upload", description = "upload a dataset file to the service")
    public static final class Upload extends ServiceCommand {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "the dataset")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "its name (default: the file's)")
        String name;

        @Option(names = "--format", paramLabel = "npy|csv|idx|png-zip", description = "its format (default: from the name)")
        String format;

        @Override
        void call(PfgmClient c) throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("--file: no file at " + file);
            }
            try {
                print(c.upload(file, name != null ? name : file.getFileName().toString(), format));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--format: " + e.getMessage());
            }
        }
    }

    @Command(name = "submit", description = "submit a job to the service, optionally waiting for it",
            footer = "--wait shows progress until the job ends (exit 1 if it failed or was cancelled).")
    public static final class Submit extends ServiceCommand {
        @Option(names = "--job", required = true, paramLabel = "JOB.json|-|'{...}'",
                description = "the API's job body: a file, - for stdin, or the JSON itself")
        String job;

        @Option(names = "--wait", description = "follow the job until it ends")
        boolean await;

        @Mixin
        Timeout timeout;

        @Option(names = "--idempotency-key", paramLabel = "K", description = "the same key submits once")
        String idempotencyKey;

        @Override
        void call(PfgmClient c) throws Exception {
            if (await) {
                Check.range("--timeout", timeout.seconds, 1, 31_536_000); // before the job exists, not after
            }
            if (idempotencyKey != null && (idempotencyKey.length() > 200
                    || !idempotencyKey.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f))) {
                throw new InvalidInputException("--idempotency-key: 1 to 200 printable ASCII characters");
            }
            String text = job.equals("-") ? stdin() : job.strip().startsWith("{") ? job : readFile(job);
            JsonNode body = StrictJson.object(text.getBytes(StandardCharsets.UTF_8), "--job");
            JsonNode made = c.submit(body, idempotencyKey);
            System.err.println("submitted " + made.path("type").asText() + " job " + made.path("id").asText());
            if (await) {
                finish(await(c, made.path("id").asText(), timeout));
            } else {
                print(made);
            }
        }
    }

    @Command(name = "status", description = "show a job of the service")
    public static final class Status extends JobCommand {
        @Override
        void call(PfgmClient c) throws Exception {
            print(c.job(id));
        }
    }

    @Command(name = "wait", description = "wait for a job of the service to end, with progress")
    public static final class Wait extends JobCommand {
        @Mixin
        Timeout timeout;

        @Override
        void call(PfgmClient c) throws Exception {
            finish(await(c, id, timeout));
        }
    }

    @Command(name = "download", description = "download a job's files from the service")
    public static final class Download extends JobCommand {
        @Option(names = "--name", paramLabel = "FILE", description = "only this file (default: every file the job lists)")
        String name;

        @Option(names = "--out", paramLabel = "DIR", description = "where to write them (default .)")
        Path out = Path.of(".");

        @Override
        void call(PfgmClient c) throws Exception {
            download(c, id, name, out);
        }
    }

    @Command(name = "cancel", description = "cancel a job of the service")
    public static final class Cancel extends JobCommand {
        @Override
        void call(PfgmClient c) throws Exception {
            print(c.cancel(id));
        }
    }

    /** A listing printed one JSON object a line, following the API's pages until --limit entries or the end. */
    abstract static class ListCommand extends ServiceCommand {
        @Option(names = "--limit", paramLabel = "N", description = "print at most N, 1..10,000,000 (default 100)")
        int limit = 100;

        @Override
        final void call(PfgmClient c) throws Exception {
            Check.range("--limit", limit, 1, 10_000_000);
            int[] printed = {0};
            // pages of --limit entries (the service holds them to its largest page): one request for the default
            walk(c, limit, entry -> {
                System.out.println(entry.toString());
                return ++printed[0] < limit;
            });
        }

        abstract void walk(PfgmClient c, int pageSize, java.util.function.Predicate<JsonNode> more) throws Exception;
    }

    @Command(name = "jobs", description = "list the service's jobs, newest first, one JSON object a line",
            footer = {"Follows the API's pages until --limit jobs are printed or the list ends; the filters are",
                "GET /v1/jobs's, checked by the service."})
    public static final class Jobs extends ListCommand {
        @Option(names = "--status", paramLabel = "STATUS",
                description = "only jobs in this status: queued, running, cancelling, succeeded, failed, cancelled")
        String status;

        @Option(names = "--type", paramLabel = "TYPE", description = "only jobs of this type (train, generate, ...)")
        String type;

        @Option(names = "--name", paramLabel = "NAME", description = "only jobs of this exact name")
        String name;

        @Option(names = "--metadata", paramLabel = "KEY=VALUE",
                description = "only jobs carrying this metadata pair; repeat it for more (all must hold)")
        java.util.Map<String, String> metadata;

        @Override
        void walk(PfgmClient c, int pageSize, java.util.function.Predicate<JsonNode> more) throws Exception {
            c.eachJob(new JobFilter(status, type, name, metadata), pageSize, more);
        }
    }

    @Command(name = "datasets", description = "list the service's datasets, newest first, one JSON object a line")
    public static final class Datasets extends ListCommand {
        @Override
        void walk(PfgmClient c, int pageSize, java.util.function.Predicate<JsonNode> more) throws Exception {
            c.eachDataset(pageSize, more);
        }
    }

    @Command(name = "models", description = "list the service's models, newest first, one JSON object a line")
    public static final class Models extends ListCommand {
        @Override
        void walk(PfgmClient c, int pageSize, java.util.function.Predicate<JsonNode> more) throws Exception {
            c.eachModel(pageSize, more);
        }
    }

    @Command(name = "delete", description = "delete a finished job, a dataset or a model of the service, with its files",
            footer = {"The service refuses (409) a queued or running job, a dataset or model a queued or running job uses,",
                "and a job whose model still exists.",
                "Prints {\"kind\": \"job|dataset|model\", \"id\": ..., \"deleted\": true}."})
    public static final class Delete extends ServiceCommand {
        @ArgGroup(multiplicity = "1")
        Target target;

        /** Exactly one of the three. */
        static final class Target {
            @Option(names = "--id", required = true, paramLabel = "JOB", description = "a job, with its events and files")
            String job;

            @Option(names = "--dataset", required = true, paramLabel = "ID", description = "a dataset, with its file")
            String dataset;

            @Option(names = "--model", required = true, paramLabel = "ID", description = "a model, with its file")
            String model;
        }

        /** Prints the kind it deleted beside the id: ids of jobs, datasets and models all look alike (UUIDs). */
        @Override
        void call(PfgmClient c) throws Exception {
            String kind;
            String id;
            if (target.job != null) {
                kind = "job";
                id = target.job;
                c.delete(id);
            } else if (target.dataset != null) {
                kind = "dataset";
                id = target.dataset;
                c.deleteDataset(id);
            } else {
                kind = "model";
                id = target.model;
                c.deleteModel(id);
            }
            print(JSON.createObjectNode().put("kind", kind).put("id", id).put("deleted", true));
        }
    }

    /** A job body is at most what the API takes (1 MiB); more is refused before it fills memory. */
    private static final int MAX_JOB_BYTES = 1 << 20;

    private static String stdin() throws IOException {
        byte[] b = System.in.readNBytes(MAX_JOB_BYTES + 1);
        if (b.length > MAX_JOB_BYTES) {
            throw new InvalidInputException("--job: standard input holds more than a job body's 1 MiB");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String readFile(String name) throws IOException {
        Path p = Path.of(name);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("--job: no file at " + p + " (give a file, - for stdin, or the JSON)");
        }
        if (Files.size(p) > MAX_JOB_BYTES) {
            throw new InvalidInputException("--job: " + p + " is " + Files.size(p) + " bytes, more than a job body's 1 MiB");
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static JsonNode await(PfgmClient c, String id, Timeout timeout) throws Exception {
        long seconds = Check.range("--timeout", timeout.seconds, 1, 31_536_000);
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

    /**
     * Downloads into {@code out}; a refusal or failure part-way removes what this run added (the files
     * it wrote that were not there before, and the folder if it made it): an earlier file it already
     * replaced stays replaced, complete.
     */
    private static void download(PfgmClient c, String id, String name, Path out) throws Exception {
        List<String> names = new ArrayList<>();
        java.util.Map<String, String> sha256 = new java.util.HashMap<>(); // what each download must hash to
        // with --name, the listing is read only as far as that file (for its sha256)
        c.eachArtifact(id, f -> {
            sha256.put(f.path("name").asText(), f.path("sha256").asText(null));
            if (name == null) {
                names.add(f.path("name").asText());
            }
            return name == null || !name.equals(f.path("name").asText());
        });
        if (name != null) {
            names.add(name);
        }
        for (String n : names) {
            if (n.isEmpty() || n.contains("/") || n.contains("\\") || n.startsWith(".")) {
                throw new InvalidInputException((name != null ? "--name: '" : "download: the service named a file '")
                        + Text.printable(n) + "' this will not write");
            }
        }
        boolean made = !Files.exists(out);
        Path dir = DataFiles.createFolder(out, "--out");
        List<Path> added = new ArrayList<>();
        Summary s = new Summary();
        long bytes = 0;
        try {
            for (String n : names) {
                Path target = dir.resolve(n);
                boolean fresh = !Files.exists(target);
                Path file = c.download(id, n, target, sha256.get(n));
                if (fresh) {
                    added.add(file);
                }
                bytes += Files.size(file);
                System.err.println(String.format(Locale.ROOT, "downloaded %s (%,d bytes)", file, Files.size(file)));
            }
        } catch (Exception e) {
            for (Path p : added) {
                Files.deleteIfExists(p);
            }
            if (made) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException notEmpty) {
                    // something else wrote there meanwhile: it stays
                }
            }
            throw e;
        }
        s.put("job", id).put("files", names.size()).put("bytes", bytes).put("dir", dir.toString()).print();
    }

    private static void print(JsonNode n) throws IOException {
        System.out.println(JSON.writeValueAsString(n));
    }
}
