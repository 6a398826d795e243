package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.Monitoring;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The export is what a real Prometheus accepts: promtool checks the rules and runs the unit tests whose
 * expectations the monitor's own evaluator computed, so PromQL and the monitor must agree on every alert, its
 * labels and its summary. promtool comes with Debian's {@code prometheus} package; without it this test fails
 * and says so, as the export cannot be checked.
 */
class PrometheusExportTest {

    private static final String SHORT_WINDOWS = """
            monitoring:
              interval: 5s
              keepFiringFor: 0s
              application:
                responseTime: { threshold: 250ms, percentile: 95, window: 30s }
                errorRate: { threshold: 0.5, window: 20s }
              database:
                connections: { threshold: 90, window: 10s }
                queryTime: { threshold: 2s, window: 1m }
              system:
                cpu: { threshold: 60, window: 15s, action: alert }
            """;

    @Test
    void theDefaultRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
        exportAndRunPromtool(ConfigLoader.defaults().monitoring(), "defaults");
    }

    @Test
    void rulesFromOtherSettingsPassToo() throws Exception {
        exportAndRunPromtool(ConfigLoader.loadYaml(SHORT_WINDOWS).monitoring(), "short-windows");
    }

    @Test
    void everyAlertHasACaseThatFiresAndOneThatDoesNot() {
        Monitoring m = ConfigLoader.defaults().monitoring();
        List<AlertRule> rules = Rules.of(m);
        for (Scenario s : Scenarios.of(m)) {
            assertThat(s.firing(rules, m.interval())).as(s.alertname() + (s.breaching() ? " fires" : " stays quiet"))
                    .hasSizeGreaterThanOrEqualTo(s.breaching() ? 1 : 0)
                    .hasSizeLessThanOrEqualTo(s.breaching() ? 2 : 0);
        }
        assertThat(Scenarios.of(m).stream().map(Scenario::alertname).distinct())
                .containsExactlyInAnyOrderElementsOf(rules.stream().map(AlertRule::name).distinct().toList());
    }

    /** Exports into {@code target/prometheus-export/NAME}, left there to be read. */
    private void exportAndRunPromtool(Monitoring monitoring, String name) throws Exception {
        Path out = Path.of("target", "prometheus-export", name).toAbsolutePath();
        PrometheusExport.write(out, monitoring, new PrometheusExport.Targets("127.0.0.1:8081",
                List.of(new PrometheusExport.Instance("fra1-1", "fra1", "127.0.0.1:9001")), false, "nlt"));
        String promtool = promtool().orElseThrow(() -> new AssertionError("promtool is not installed, so the"
                + " Prometheus export cannot be checked: install Debian's prometheus package"
                + " (apt-get install prometheus) or put promtool on the PATH"));
        assertThat(run(out, promtool, "check", "rules", PrometheusExport.RULES)).contains("SUCCESS");
        assertThat(run(out, promtool, "check", "config", PrometheusExport.PROMETHEUS)).contains("SUCCESS");
        assertThat(run(out, promtool, "test", "rules", PrometheusExport.RULES_TEST)).contains("SUCCESS");
    }

    /** promtool's output; fails the test with it when promtool exits non-zero. */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }

    static Optional<String> promtool() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        return dirs.stream().map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).map(Path::toString)
                .findFirst();
    }
}
