package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.config.Setting;
import dev.pfgm.shared.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker cannot run here, so the compose file is checked for what the services need. */
class ComposeFileTest {
    static final Path ROOT = Path.of("../..");

    /** Read as Compose does, with YAML merge keys (<<: *service-env) resolved (SnakeYAML does that). */
    static JsonNode compose() throws Exception {
        Object doc = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return new ObjectMapper().valueToTree(doc);
    }

    @Test
    void everyServiceGetsEveryRequiredSetting() throws Exception {
        JsonNode services = compose().path("services");
        for (String name : List.of("gateway", "worker", "worker-gpu")) {
            JsonNode env = services.path(name).path("environment");
            List<String> missing = new ArrayList<>();
            for (Setting s : Settings.ALL) {
                if (s.defaultValue() == null && !env.hasNonNull(s.name())) {
                    missing.add(s.name());
                }
            }
            assertTrue(missing.isEmpty(), name + " lacks " + missing);
            assertEquals("postgres", env.path("PFGM_DB_URL").asText().replaceAll(".*//([^:/]+).*", "$1"));
            assertEquals("kafka:9092", env.path("PFGM_KAFKA_BOOTSTRAP").asText());
            assertEquals("http://minio:9000", env.path("PFGM_S3_ENDPOINT").asText());
        }
        assertEquals("8080", services.path("gateway").path("environment").path("PFGM_HTTP_PORT").asText());
        assertTrue(services.path("gateway").path("command").toString().contains("dev.pfgm.gateway.GatewayMain"));
        assertTrue(services.path("worker").path("command").toString().contains("dev.pfgm.worker.WorkerMain"));
    }

    @Test
    void serversArePinnedAndConfiguredForOneNode() throws Exception {
        JsonNode services = compose().path("services");
        for (String name : List.of("postgres", "kafka", "minio", "create-bucket")) {
            String image = services.path(name).path("image").asText();
            assertTrue(image.contains(":") && !image.endsWith(":latest"), name + " image is pinned: " + image);
        }
        assertTrue(services.path("minio").path("image").asText().startsWith("minio/minio:RELEASE."));
        JsonNode kafka = services.path("kafka").path("environment");
        assertEquals("broker,controller", kafka.path("KAFKA_PROCESS_ROLES").asText());
        assertEquals("1", kafka.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText());
        assertEquals("1", kafka.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText());
        assertTrue(services.path("create-bucket").path("command").toString().contains("mc mb --ignore-existing pfgm/pfgm"));
        assertEquals("pfgm", services.path("gateway").path("environment").path("PFGM_S3_BUCKET").asText());
        // the database password the services use is the one PostgreSQL is started with
        assertEquals(services.path("postgres").path("environment").path("POSTGRES_PASSWORD").asText(),
                services.path("gateway").path("environment").path("PFGM_DB_PASSWORD").asText());
        assertEquals(services.path("minio").path("environment").path("MINIO_ROOT_PASSWORD").asText(),
                services.path("worker").path("environment").path("PFGM_S3_SECRET_KEY").asText());
    }

    @Test
    void gpuWorkerRequestsAGpuAndUsesTheCudaBuild() throws Exception {
        JsonNode gpu = compose().path("services").path("worker-gpu");
        assertEquals("gpu", gpu.path("profiles").get(0).asText());
        JsonNode device = gpu.path("deploy").path("resources").path("reservations").path("devices").get(0);
        assertEquals("nvidia", device.path("driver").asText());
        assertTrue(device.path("capabilities").toString().contains("gpu"));
        Path dockerfile = ROOT.resolve(gpu.path("build").path("dockerfile").asText());
        String text = Files.readString(dockerfile);
        assertTrue(text.contains("-Pcuda"), dockerfile + " builds with the cuda profile");
        // CUDA comes in the redist jars (worker/backend/pom.xml), so the base is the supported JRE image
        String pom = Files.readString(ROOT.resolve("worker/backend/pom.xml"));
        assertTrue(pom.contains("<classifier>linux-x86_64-redist</classifier>"), "the CUDA build carries its runtime");
        assertTrue(text.contains("FROM eclipse-temurin:17.0.13_11-jre-noble"), dockerfile + " runtime base");
        assertFalse(text.contains("FROM nvidia/cuda"), "no end-of-life CUDA base image");
        assertTrue(text.contains("NVIDIA_DRIVER_CAPABILITIES=compute,utility"), "the toolkit mounts the compute libraries");
        for (String name : List.of("gateway", "worker")) {
            Path cpu = ROOT.resolve(compose().path("services").path(name).path("build").path("dockerfile").asText());
            assertFalse(Files.readString(cpu).contains("-Pcuda"), name + " uses the CPU build");
        }
    }

    @Test
    void everyServiceRestartsAndReportsItsHealth() throws Exception {
        JsonNode services = compose().path("services");
        for (String name : List.of("postgres", "kafka", "minio", "gateway", "worker", "worker-gpu")) {
            JsonNode svc = services.path(name);
            assertEquals("unless-stopped", svc.path("restart").asText(), name + " restarts");
            assertTrue(svc.path("healthcheck").path("test").size() > 0, name + " has a healthcheck");
        }
        assertEquals("[\"CMD\",\"curl\",\"-fsS\",\"-o\",\"/dev/null\",\"http://localhost:8080/readyz\"]",
                services.path("gateway").path("healthcheck").path("test").toString());
        for (String name : List.of("worker", "worker-gpu")) {
            JsonNode svc = services.path(name);
            String port = svc.path("environment").path("PFGM_WORKER_HEALTH_PORT").asText();
            assertEquals("8081", port, name);
            assertTrue(svc.path("healthcheck").path("test").toString().contains("http://localhost:" + port + "/readyz"),
                    name + " checks its own endpoint");
            assertEquals("service_healthy", svc.path("depends_on").path("gateway").path("condition").asText());
            // SIGTERM hands the running job back; compose waits this long before SIGKILL
            assertEquals("45s", svc.path("stop_grace_period").asText());
        }
        for (String file : List.of("infra/docker/Dockerfile", "infra/docker/Dockerfile.cuda")) {
            assertTrue(Files.readString(ROOT.resolve(file)).contains("install -y --no-install-recommends curl"),
                    file + " has the healthchecks' curl");
        }
    }

    @Test
    void kafkaKeepsItsLogOnTheVolumeAndImagesSayTheirPlatform() throws Exception {
        JsonNode services = compose().path("services");
        JsonNode kafka = services.path("kafka");
        String dir = kafka.path("environment").path("KAFKA_LOG_DIRS").asText();
        assertEquals("kafka-data:" + dir, kafka.path("volumes").get(0).asText(), "the log dir is the volume's mount");
        for (String name : List.of("gateway", "worker", "worker-gpu")) {
            assertEquals("linux/amd64", services.path(name).path("platform").asText(), name + ": x86-64 images");
        }
        // the image can be built for the other platforms ND4J publishes natives for
        String dockerfile = Files.readString(ROOT.resolve("infra/docker/Dockerfile"));
        assertTrue(dockerfile.contains("ARG ND4J_PROFILE=cpu") && dockerfile.contains("-P${ND4J_PROFILE}"));
        String pom = Files.readString(ROOT.resolve("worker/backend/pom.xml"));
        for (String profile : List.of("<id>cpu-generic</id>", "<id>arm64</id>", "<classifier>linux-arm64</classifier>",
                "<classifier>linux-x86_64-onednn</classifier>")) {
            assertTrue(pom.contains(profile), profile);
        }
        // an operator's admin key reaches the gateway; downloads need no published store port
        assertEquals("${PFGM_ADMIN_KEY:-}", services.path("gateway").path("environment").path("PFGM_ADMIN_KEY").asText());
        assertTrue(services.path("minio").path("ports").isMissingNode(), "MinIO stays on the compose network");
        assertTrue(services.path("gateway").path("environment").path("PFGM_S3_PUBLIC_ENDPOINT").isMissingNode());
    }
}
