package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `nlt alerts` without a platform, and `nlt monitoring export` from a platform's run files or for Kubernetes. */
class MonitoringCommandTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @Test
    void alertsWithoutARunningPlatformSaysSoAndExitsTwo() throws Exception {
        NltCommand.Result run = NltCommand.inProcess("alerts", "--data-dir", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no platform runs on").contains("alerts.json is missing");

        // A status left by a launcher that is gone is not a running platform either.
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.writeString(runDir.resolve("alerts.json"), "{\"launcherPid\": " + Long.MAX_VALUE + ", \"rules\": []}");
        NltCommand.Result stale = NltCommand.inProcess("alerts", "--data-dir", dir.toString());
        assertThat(stale.exitCode()).isEqualTo(2);
        assertThat(stale.err()).contains("its launcher (pid " + Long.MAX_VALUE + ") is gone");
    }

    @Test
    void alertsPrintsEachRuleReadingAndTheNotifications() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.writeString(runDir.resolve("alerts.json"), """
                {"launcherPid": %d, "interval": "15s", "evaluatedAt": "2026-12-07T10:00:00Z",
                 "rules": [{"name": "ErrorRateHigh", "action": "alert", "labels": {"severity": "critical"},
                            "threshold": 1.0, "unit": "%%", "for": "5m",
                            "readings": [{"labels": {}, "value": 12.5, "state": "FIRING",
                                          "since": "2026-12-07T09:55:00Z"}]},
                           {"name": "QueryTimeHigh", "action": "alert", "labels": {}, "threshold": 1000.0,
                            "unit": "ms", "for": "5m", "readings": []}],
                 "notifications": [{"at": "2026-12-07T09:55:00Z", "groupKey": "{}:{alertname=\\"ErrorRateHigh\\"}",
                                    "status": "firing", "reason": "change", "alerts": 1,
                                    "deliveries": [{"url": "http://127.0.0.1:9/hook", "result": "failed",
                                                    "attempts": 10, "error": "ConnectException"}]}],
                 "targets": [{"id": "api/api-2", "up": false, "error": "no answer within PT2S"}]}
                """.formatted(ProcessHandle.current().pid()));
        NltCommand.Result run = NltCommand.inProcess("alerts", "--data-dir", dir.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("ErrorRateHigh +FIRING +12.50 % +1 % +5m +2026-12-07T09:55:00Z")
                .containsPattern("QueryTimeHigh +NO DATA")
                .contains("{}:{alertname=\"ErrorRateHigh\"} firing (change, 1 alert(s)): http://127.0.0.1:9/hook:"
                        + " failed after 10 attempt(s) (ConnectException)")
                .contains("target api/api-2 is down: no answer within PT2S");
        assertThat(NltCommand.inProcess("alerts", "--json", "--data-dir", dir.toString()).out())
                .contains("\"evaluatedAt\" : \"2026-12-07T10:00:00Z\"");
    }

    @Test
    void theExportScrapesTheRunningPlatformsGatewayAndInstances() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.writeString(runDir.resolve("gateway.ports"), "18080 41234\n");
        Files.writeString(runDir.resolve("scale.json"), """
                {"instances": [{"id": "api-1", "region": "fra1", "port": 40001},
                               {"id": "api-2", "region": "lhr1", "port": 40002}]}
                """);
        Path out = dir.resolve("prom");
        NltCommand.Result run = NltCommand.inProcess("monitoring", "export", out.toString(), "--data-dir",
                dir.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(out.resolve("rules.yml")).exists();
        assertThat(out.resolve("rules.test.yml")).exists();
        assertThat(out.resolve("grafana-dashboard.json")).exists();
        JsonNode prometheus = YAML.readTree(out.resolve("prometheus.yml").toFile());
        assertThat(prometheus.at("/scrape_configs/0/job_name").asText()).isEqualTo("gateway");
        assertThat(prometheus.at("/scrape_configs/0/static_configs/0/targets/0").asText()).isEqualTo("127.0.0.1:41234");
        assertThat(prometheus.at("/scrape_configs/1/static_configs/1/targets/0").asText()).isEqualTo("127.0.0.1:40002");
        assertThat(prometheus.at("/scrape_configs/1/static_configs/1/labels/region").asText()).isEqualTo("lhr1");
        assertThat(prometheus.at("/scrape_configs/1/static_configs/1/labels/instance").asText()).isEqualTo("api-2");
        assertThat(prometheus.at("/rule_files/0").asText()).isEqualTo("rules.yml");
    }

    @Test
    void theKubernetesExportDiscoversPodsInItsNamespace() throws Exception {
        Path out = dir.resolve("k8s");
        NltCommand.Result run = NltCommand.inProcess("monitoring", "export", out.toString(), "--k8s", "--namespace",
                "trading", "--data-dir", dir.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode api = YAML.readTree(out.resolve("prometheus.yml").toFile()).at("/scrape_configs/0");
        assertThat(api.at("/job_name").asText()).isEqualTo("api");
        assertThat(api.at("/kubernetes_sd_configs/0/role").asText()).isEqualTo("pod");
        assertThat(api.at("/kubernetes_sd_configs/0/namespaces/names/0").asText()).isEqualTo("trading");
        assertThat(api.at("/relabel_configs/0/regex").asText()).isEqualTo("nlt-api");
    }

    @Test
    void anInvalidConfigurationIsRefusedWithExitTwo() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "monitoring:\n  webhooks: [ftp://example.com/x]\n");
        NltCommand.Result run = NltCommand.inProcess("monitoring", "export", dir.resolve("x").toString(), "--config",
                bad.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("monitoring.webhooks[0]: must be an http or https URL with a host");
    }
}
