package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class K8sExportTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> FILES =
            List.of("deployment.yaml", "service.yaml", "pdb.yaml", "hpa.yaml", "kustomization.yaml");


    @TempDir
    Path dir;

    @Test
    void defaultsGiveManifestsKubernetesAcceptsWithTheStrategysValues() throws Exception {
        Path out = dir.resolve("new/k8s");
        NltCommand.Result run = NltCommand.inProcess("k8s", "export", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("kubectl apply -k " + out);
        try (var files = Files.list(out)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrderElementsOf(FILES);
        }

        JsonNode deployment = read(out, "deployment.yaml");
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo("nlt");
        // The HPA owns the count: a replicas field would reset a scaled-out Deployment at every apply.
        assertThat(deployment.at("/spec/replicas").isMissingNode()).isTrue();
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).matches("nextleveltraders/api:[0-9]+\\.[0-9]+\\.[0-9]+[A-Za-z0-9.-]*");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        JsonNode readiness = container.path("readinessProbe");
        assertThat(readiness.at("/httpGet/path").asText()).isEqualTo("/api/health");
        assertThat(readiness.path("periodSeconds").asInt()).isEqualTo(10);
        assertThat(readiness.path("timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(readiness.path("failureThreshold").asInt()).isEqualTo(2);
        assertThat(readiness.path("successThreshold").asInt()).isEqualTo(3);
        assertThat(container.at("/livenessProbe/successThreshold").asInt()).isEqualTo(1);
        assertThat(container.at("/livenessProbe/failureThreshold").asInt()).isEqualTo(2);
        assertThat(deployment.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0/values")).extracting(JsonNode::asText)
                .containsExactly("fra1", "lhr1", "iad1");
        // preStop sleep (one interval) + drain (connectionTimeout 2s + statementTimeout 10s) + margin.
        assertThat(container.at("/lifecycle/preStop/sleep/seconds").asInt()).isEqualTo(10);
        assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isEqualTo(27);
        // The pod's size: platform.kubernetes.
        assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("1000m");
        assertThat(container.at("/resources/limits/cpu").asText()).isEqualTo("2000m");
        assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("2048Mi");
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("2048Mi");
        assertThat(container.at("/env/0/value").asText()).isEqualTo("-XX:MaxRAMPercentage=50");

        JsonNode hpa = read(out, "hpa.yaml");
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(10);
        assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(70);
        assertThat(hpa.at("/spec/metrics/1/resource/target/averageUtilization").asInt()).isEqualTo(80);
        assertThat(hpa.at("/spec/metrics/2/pods/metric/name").asText()).isEqualTo("http_server_requests_p99_seconds");
        assertThat(hpa.at("/spec/metrics/2/pods/target/averageValue").asText()).isEqualTo("500m");
        assertThat(hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt()).isEqualTo(300);
        assertThat(hpa.at("/spec/behavior/scaleUp/policies/0/value").asInt()).isEqualTo(2);
        assertThat(hpa.at("/spec/behavior/scaleUp/policies/0/periodSeconds").asInt()).isEqualTo(60);
        assertThat(hpa.at("/spec/behavior/scaleUp/selectPolicy").asText()).isEqualTo("Max");
        assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(900);
        assertThat(hpa.at("/spec/behavior/scaleDown/policies/0/value").asInt()).isEqualTo(1);

        String hpaText = Files.readString(out.resolve("hpa.yaml"));
        assertThat(hpaText).startsWith(KubernetesManifests.MARKER)
                .contains("# Where the HPA differs from the rules:").contains("Tolerance").contains("adapter")
                .contains("never scales down");
        assertThat(Files.readString(out.resolve("deployment.yaml")))
                .contains("Kubernetes requires successThreshold 1 for liveness");
    }

    @Test
    void valuesComeFromTheUserConfigurationAndTheOptions() throws Exception {
        Path config = dir.resolve("big.yaml");
        Files.writeString(config, """
                scaling:
                  minInstances: 4
                  maxInstances: 12
                  regions: [europe-west3-a, europe-west3-b]
                loadBalancer:
                  healthCheck: { path: /api/ready, interval: 15s, timeout: 3s, unhealthyThreshold: 4, healthyThreshold: 2 }
                autoScaling:
                  scaleUp:
                    cpu: { threshold: 65, duration: 3m, increment: 1 }
                    memory: { threshold: 85, duration: 4m, increment: 1 }
                    responseTime: { threshold: 250ms, duration: 5m, increment: 3 }
                  scaleDown:
                    cpu: { threshold: 20, duration: 10m, decrement: 2 }
                    memory: { threshold: 40, duration: 20m, decrement: 2 }
                platform:
                  api: { port: 9090, region: europe-west3-a }
                  kubernetes: { cpuRequestMillis: 500, cpuLimitMillis: 1500, memory: 1GiB, heapPercent: 60 }
                """);
        Path out = dir.resolve("k8s");
        NltCommand.Result run = NltCommand.inProcess("k8s", "export", out.toString(), "--config", config.toString(), "--image",
                "registry.example.com/nlt/api:2.0.1", "--namespace", "trading");
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<JsonNode> objects = new ArrayList<>();
        for (String name : List.of("deployment.yaml", "service.yaml", "pdb.yaml", "hpa.yaml")) {
            objects.add(read(out, name));
        }
        for (JsonNode object : objects) {
            assertThat(object.at("/metadata/name").asText()).isEqualTo("nlt-api");
            assertThat(object.at("/metadata/namespace").asText()).isEqualTo("trading");
            assertThat(object.at("/metadata/labels/app.kubernetes.io~1name").asText()).isEqualTo("nlt-api");
            assertThat(object.at("/metadata/labels/app.kubernetes.io~1part-of").asText()).isEqualTo("nextleveltraders");
        }
        JsonNode deployment = objects.get(0);
        JsonNode service = objects.get(1);
        JsonNode pdb = objects.get(2);
        JsonNode hpa = objects.get(3);

        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(podLabels);
        assertThat(matches(service.at("/spec/selector"), podLabels)).isTrue();
        assertThat(matches(pdb.at("/spec/selector/matchLabels"), podLabels)).isTrue();
        JsonNode spread = deployment.at("/spec/template/spec/topologySpreadConstraints/0");
        assertThat(spread.path("topologyKey").asText()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(spread.path("maxSkew").asInt()).isEqualTo(1);
        assertThat(spread.path("whenUnsatisfiable").asText()).isEqualTo("DoNotSchedule");
        assertThat(matches(spread.at("/labelSelector/matchLabels"), podLabels)).isTrue();
        assertThat(deployment.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0/values")).extracting(JsonNode::asText)
                .containsExactly("europe-west3-a", "europe-west3-b");

        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo("registry.example.com/nlt/api:2.0.1");
        assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("500m");
        assertThat(container.at("/resources/limits/cpu").asText()).isEqualTo("1500m");
        assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("1024Mi");
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1024Mi");
        assertThat(container.at("/env/0/value").asText()).isEqualTo("-XX:MaxRAMPercentage=60");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9090);
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
        JsonNode readiness = container.path("readinessProbe");
        assertThat(readiness.at("/httpGet/path").asText()).isEqualTo("/api/ready");
        assertThat(readiness.at("/httpGet/port").asText()).isEqualTo("http");
        assertThat(readiness.path("periodSeconds").asInt()).isEqualTo(15);
        assertThat(readiness.path("timeoutSeconds").asInt()).isEqualTo(3);
        assertThat(readiness.path("failureThreshold").asInt()).isEqualTo(4);
        assertThat(readiness.path("successThreshold").asInt()).isEqualTo(2);
        assertThat(container.at("/livenessProbe/periodSeconds").asInt()).isEqualTo(15);
        assertThat(container.at("/livenessProbe/failureThreshold").asInt()).isEqualTo(4);
        assertThat(container.at("/lifecycle/preStop/sleep/seconds").asInt()).isEqualTo(15);
        assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
                .isGreaterThan(container.at("/lifecycle/preStop/sleep/seconds").asInt());
        assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();

        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(9090);
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);

        assertThat(hpa.at("/spec/scaleTargetRef/apiVersion").asText()).isEqualTo(deployment.path("apiVersion").asText());
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo(deployment.path("kind").asText());
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(4);
        assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(12);
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
        assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(65);
        assertThat(hpa.at("/spec/metrics/1/resource/name").asText()).isEqualTo("memory");
        assertThat(hpa.at("/spec/metrics/1/resource/target/averageUtilization").asInt()).isEqualTo(85);
        assertThat(hpa.at("/spec/metrics/2/pods/target/averageValue").asText()).isEqualTo("250m");
        // The shortest scale-up duration, the largest increment; the longest scale-down duration.
        assertThat(hpa.at("/spec/behavior/scaleUp/stabilizationWindowSeconds").asInt()).isEqualTo(180);
        assertThat(hpa.at("/spec/behavior/scaleUp/policies/0/value").asInt()).isEqualTo(3);
        assertThat(hpa.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(1200);
        assertThat(hpa.at("/spec/behavior/scaleDown/policies/0/value").asInt()).isEqualTo(2);

        JsonNode kustomization = read(out, "kustomization.yaml");
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        assertThat(kustomization.path("resources")).extracting(JsonNode::asText)
                .containsExactly("deployment.yaml", "service.yaml", "pdb.yaml", "hpa.yaml");
    }

    @Test
    void anEarlierExportIsReplacedButAnythingElseInDirIsRefused() throws Exception {
        Path out = dir.resolve("k8s");
        assertThat(NltCommand.inProcess("k8s", "export", out.toString()).exitCode()).isZero();
        NltCommand.Result again = NltCommand.inProcess("k8s", "export", out.toString(), "--namespace", "other");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(read(out, "hpa.yaml").at("/metadata/namespace").asText()).isEqualTo("other");

        Files.writeString(out.resolve("notes.txt"), "mine");
        NltCommand.Result refused = NltCommand.inProcess("k8s", "export", out.toString(), "--namespace", "third");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("notes.txt").contains("not an earlier `nlt k8s export`");
        assertThat(read(out, "hpa.yaml").at("/metadata/namespace").asText()).isEqualTo("other");

        Path foreign = dir.resolve("theirs");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("kustomization.yaml"), "resources: [app.yaml]\n");
        NltCommand.Result notOurs = NltCommand.inProcess("k8s", "export", foreign.toString());
        assertThat(notOurs.exitCode()).isEqualTo(2);
        assertThat(notOurs.err()).contains("did not write");
        assertThat(Files.readString(foreign.resolve("kustomization.yaml"))).isEqualTo("resources: [app.yaml]\n");
    }

    @Test
    void aSymbolicLinkInDirIsNotFollowed() throws Exception {
        Path out = dir.resolve("k8s");
        assertThat(NltCommand.inProcess("k8s", "export", out.toString()).exitCode()).isZero();
        Path victim = dir.resolve("victim.yaml");
        Files.writeString(victim, "precious\n");
        Files.delete(out.resolve("deployment.yaml"));
        Files.createSymbolicLink(out.resolve("deployment.yaml"), victim);
        NltCommand.Result run = NltCommand.inProcess("k8s", "export", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("deployment.yaml");
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
    }

    @Test
    void dirThatIsAFileIsRefusedWithExitTwo() throws Exception {
        Path file = dir.resolve("manifests");
        Files.writeString(file, "not a directory\n");
        NltCommand.Result run = NltCommand.inProcess("k8s", "export", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(file.toString()).contains("is not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a directory\n");
    }

    @Test
    void badCommandLinesAreRefusedWithExitTwoAndWriteNothing() {
        Path out = dir.resolve("k8s");
        NltCommand.Result unknown = NltCommand.inProcess("k8s", "export", out.toString(), "--replicas", "5");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--replicas");
        NltCommand.Result missing = NltCommand.inProcess("k8s", "export");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("DIR");
        NltCommand.Result namespace = NltCommand.inProcess("k8s", "export", out.toString(), "--namespace", "Not_A_Namespace");
        assertThat(namespace.exitCode()).isEqualTo(2);
        assertThat(namespace.err()).contains("--namespace");
        NltCommand.Result image = NltCommand.inProcess("k8s", "export", out.toString(), "--image", "api:1\nkind: Secret");
        assertThat(image.exitCode()).isEqualTo(2);
        assertThat(image.err()).contains("--image");
        assertThat(out).doesNotExist();
    }

    @Test
    void invalidConfigurationIsRefusedNamingTheKey() throws Exception {
        Path out = dir.resolve("k8s");
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "scaling:\n  minInstances: 5\n  maxInstances: 4\n");
        NltCommand.Result invalid = NltCommand.inProcess("k8s", "export", out.toString(), "--config", config.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("scaling.maxInstances");

        Files.writeString(config, "autoScaling:\n  scaleUp:\n    cpu:\n      treshold: 60\n");
        NltCommand.Result unknownKey = NltCommand.inProcess("k8s", "export", out.toString(), "--config", config.toString());
        assertThat(unknownKey.exitCode()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("autoScaling.scaleUp.cpu.treshold");

        assertThat(NltCommand.inProcess("k8s", "export", out.toString(), "--config", dir.resolve("missing.yaml").toString()).exitCode())
                .isEqualTo(2);
        assertThat(out).doesNotExist();
    }

    @Test
    void validConfigurationKubernetesCannotExpressIsRefusedNamingTheKey() throws Exception {
        Path out = dir.resolve("k8s");
        Path config = dir.resolve("long.yaml");
        Files.writeString(config, """
                scaling:
                  regions: [fra1, "eu central"]
                autoScaling:
                  scaleDown:
                    memory: { threshold: 40, duration: 2h, decrement: 1 }
                """);
        NltCommand.Result run = NltCommand.inProcess("k8s", "export", out.toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("scaling.regions[1]").contains("autoScaling.scaleDown.memory.duration")
                .contains("1h");
        assertThat(out).doesNotExist();
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        List<String> mismatches = new ArrayList<>();
        selector.properties().forEach(entry -> {
            if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
                mismatches.add(entry.getKey());
            }
        });
        return !selector.isEmpty() && mismatches.isEmpty();
    }

    private static JsonNode read(Path dir, String name) throws IOException {
        return YAML.readTree(Files.readString(dir.resolve(name)));
    }

}
