package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Setting;
import dev.pfgm.shared.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No cluster runs here, so the manifests in infra/k8s are checked for what the services need. */
class KubernetesManifestsTest {
    static final Path DIR = ComposeFileTest.ROOT.resolve("infra/k8s");

    /** Every document of every manifest, keyed by kind/name. */
    static Map<String, JsonNode> objects() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (String file : resources()) {
            for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(DIR.resolve(file)))) {
                JsonNode o = new ObjectMapper().valueToTree(doc);
                out.put(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), o);
            }
        }
        return out;
    }

    static List<String> resources() throws Exception {
        JsonNode k = new ObjectMapper().valueToTree(new org.yaml.snakeyaml.Yaml().load(
                Files.readString(DIR.resolve("kustomization.yaml"))));
        List<String> files = new ArrayList<>();
        k.path("resources").forEach(f -> files.add(f.asText()));
        return files;
    }

    @Test
    void kustomizationListsEveryManifest() throws Exception {
        Set<String> onDisk;
        try (Stream<Path> s = Files.list(DIR)) {
            onDisk = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(onDisk, new TreeSet<>(resources()));
    }

    @Test
    void everyContainerGetsAValidConfiguration() throws Exception {
        Map<String, JsonNode> all = objects();
        for (String name : List.of("pfgm-gateway", "pfgm-worker", "pfgm-worker-gpu")) {
            JsonNode d = all.get("Deployment/" + name);
            assertNotNull(d, name);
            d.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l -> assertEquals(
                    l.getValue(), d.path("spec").path("template").path("metadata").path("labels").path(l.getKey()),
                    name + ": the selector matches the pods"));
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
            Map<String, String> env = new HashMap<>();
            for (JsonNode from : c.path("envFrom")) {
                String kind = from.has("configMapRef") ? "ConfigMap" : "Secret";
                String ref = from.path(from.has("configMapRef") ? "configMapRef" : "secretRef").path("name").asText();
                JsonNode source = all.get(kind + "/" + ref);
                assertNotNull(source, name + " reads " + kind + " " + ref);
                source.path(kind.equals("Secret") ? "stringData" : "data").fields()
                        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
            c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
            Set<String> known = Settings.ALL.stream().map(Setting::name).collect(Collectors.toSet());
            for (String key : env.keySet()) {
                assertTrue(!key.startsWith("PFGM_") || known.contains(key), name + ": unknown setting " + key);
            }
            // the same check a starting process makes: every required setting present and well-formed
            Config.from(env);
            assertTrue(d.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt(30) >= 30);
        }
    }

    @Test
    void gatewayIsProbedAndServedOnItsPort() throws Exception {
        Map<String, JsonNode> all = objects();
        JsonNode c = all.get("Deployment/pfgm-gateway").path("spec").path("template").path("spec").path("containers").get(0);
        assertTrue(c.path("args").toString().contains("dev.pfgm.gateway.GatewayMain"));
        assertEquals("pfgm:latest", c.path("image").asText());
        String port = null;
        for (JsonNode e : c.path("env")) {
            if (e.path("name").asText().equals(Settings.HTTP_PORT.name())) {
                port = e.path("value").asText();
            }
        }
        assertEquals(port, c.path("ports").get(0).path("containerPort").asText());
        assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText());
        // its checks run at once, 3 s each: the default 1 s timed out on a slow but working dependency
        assertTrue(c.path("readinessProbe").path("timeoutSeconds").asInt(1) >= 4, c.path("readinessProbe").toString());
        JsonNode svc = all.get("Service/pfgm-gateway").path("spec");
        assertEquals(c.path("ports").get(0).path("name").asText(), svc.path("ports").get(0).path("targetPort").asText());
        assertEquals("pfgm-gateway", svc.path("selector").path("app.kubernetes.io/name").asText());
    }

    @Test
    void workersUseTheComposeImagesAndTheGpuOneRequestsAGpu() throws Exception {
        Map<String, JsonNode> all = objects();
        JsonNode compose = ComposeFileTest.compose().path("services");
        for (String[] pair : new String[][] {{"pfgm-worker", "worker"}, {"pfgm-worker-gpu", "worker-gpu"}}) {
            JsonNode c = all.get("Deployment/" + pair[0]).path("spec").path("template").path("spec").path("containers").get(0);
            assertTrue(c.path("args").toString().contains("dev.pfgm.worker.WorkerMain"), pair[0]);
            assertEquals(compose.path(pair[1]).path("image").asText(), c.path("image").asText(), pair[0]);
        }
        JsonNode gpu = all.get("Deployment/pfgm-worker-gpu").path("spec").path("template").path("spec").path("containers")
                .get(0).path("resources").path("limits");
        assertEquals(1, gpu.path("nvidia.com/gpu").asInt());
    }

    @Test
    void workersAreProbedOnTheirOwnEndpointAndOutlastTheirHandBack() throws Exception {
        Map<String, JsonNode> all = objects();
        for (String name : List.of("pfgm-worker", "pfgm-worker-gpu")) {
            JsonNode pod = all.get("Deployment/" + name).path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            String port = null;
            for (JsonNode e : c.path("env")) {
                if (e.path("name").asText().equals(Settings.WORKER_HEALTH_PORT.name())) {
                    port = e.path("value").asText();
                }
            }
            assertEquals(port, c.path("ports").get(0).path("containerPort").asText(), name);
            String portName = c.path("ports").get(0).path("name").asText();
            assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText(), name);
            // a paused database takes the worker's check 10 s to tell
            assertTrue(c.path("readinessProbe").path("timeoutSeconds").asInt(1) > 10, name);
            assertEquals(portName, c.path("readinessProbe").path("httpGet").path("port").asText(), name);
            assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText(), name);
            // SIGTERM makes the worker hand its job back, waiting up to 40 s (Worker.close): the pod must outlast that
            assertTrue(pod.path("terminationGracePeriodSeconds").asInt() >= 45, name);
        }
    }

    @Test
    void theGatewayScalesOnCpuAndWorkersOnTheirConsumerLag() throws Exception {
        Map<String, JsonNode> all = objects();
        JsonNode hpa = all.get("HorizontalPodAutoscaler/pfgm-gateway").path("spec");
        assertEquals("pfgm-gateway", hpa.path("scaleTargetRef").path("name").asText());
        assertTrue(hpa.path("minReplicas").asInt() >= 2 && hpa.path("maxReplicas").asInt() > hpa.path("minReplicas").asInt());
        assertEquals("cpu", hpa.path("metrics").get(0).path("resource").path("name").asText());
        // an HPA on CPU utilisation needs a CPU request to measure against
        assertTrue(all.get("Deployment/pfgm-gateway").path("spec").path("template").path("spec").path("containers").get(0)
                .path("resources").path("requests").has("cpu"));
        JsonNode config = all.get("ConfigMap/pfgm-config").path("data");
        int partitions = config.path(Settings.TOPIC_PARTITIONS.name()).asInt();
        for (String name : List.of("pfgm-worker", "pfgm-worker-gpu")) {
            JsonNode so = all.get("ScaledObject/" + name).path("spec");
            assertEquals(name, so.path("scaleTargetRef").path("name").asText());
            assertNotNull(all.get("Deployment/" + name));
            JsonNode trigger = so.path("triggers").get(0);
            assertEquals("kafka", trigger.path("type").asText());
            assertEquals(dev.pfgm.worker.Worker.GROUP, trigger.path("metadata").path("consumerGroup").asText());
            assertEquals(config.path(Settings.KAFKA.name()).asText(), trigger.path("metadata").path("bootstrapServers").asText());
            assertTrue(so.path("maxReplicaCount").asInt() <= partitions, name + ": no more workers than partitions");
            JsonNode pdb = all.get("PodDisruptionBudget/" + name).path("spec");
            assertEquals(name, pdb.path("selector").path("matchLabels").path("app.kubernetes.io/name").asText());
        }
        assertEquals(1, all.get("PodDisruptionBudget/pfgm-gateway").path("spec").path("minAvailable").asInt());
    }
}
