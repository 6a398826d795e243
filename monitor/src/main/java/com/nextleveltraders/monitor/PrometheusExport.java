package com.nextleveltraders.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.nextleveltraders.config.Monitoring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The monitor's rules and scrape targets for a real Prometheus: {@code rules.yml} (the same rules, as PromQL),
 * {@code rules.test.yml} (a {@code promtool test rules} case per alert and outcome, its expectations computed by
 * the monitor's own evaluator), {@code prometheus.yml} and {@code grafana-dashboard.json}.
 */
public final class PrometheusExport {

    public static final String RULES = "rules.yml";
    public static final String RULES_TEST = "rules.test.yml";
    public static final String PROMETHEUS = "prometheus.yml";
    public static final String DASHBOARD = "grafana-dashboard.json";

    private static final String HEADER = "# Written by `nlt monitoring export` from the platform's configuration;"
            + " export again rather than edit.\n";
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Where Prometheus finds the platform.
     *
     * @param gateway    the gateway's admin address ({@code host:port}) serving its {@code /metrics}
     * @param instances  the API instances serving {@code /metrics}; ignored with {@code kubernetes}
     * @param kubernetes discover the API pods (and a gateway deployed beside them) instead
     * @param namespace  the pods' namespace, with {@code kubernetes}
     */
    public record Targets(String gateway, List<Instance> instances, boolean kubernetes, String namespace) {

        public Targets {
            Objects.requireNonNull(gateway, "gateway");
            instances = List.copyOf(instances);
        }
    }

    /** An API instance: its id, region and {@code host:port}. */
    public record Instance(String id, String region, String address) {
    }

    private PrometheusExport() {
    }

    /** Writes the four files into {@code dir}, creating it if needed. */
    public static List<Path> write(Path dir, Monitoring monitoring, Targets targets) throws IOException {
        Files.createDirectories(dir);
        List<AlertRule> rules = Rules.of(monitoring);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve(RULES), HEADER + YAML.writeValueAsString(rules(monitoring, rules))));
        written.add(write(dir.resolve(RULES_TEST), HEADER + "# Run: promtool test rules " + RULES_TEST + "\n"
                + YAML.writeValueAsString(tests(monitoring, rules))));
        written.add(write(dir.resolve(PROMETHEUS), HEADER + YAML.writeValueAsString(prometheus(monitoring, targets))));
        written.add(write(dir.resolve(DASHBOARD), JSON.writeValueAsString(Dashboard.grafana(monitoring))));
        return written;
    }

    private static Path write(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text);
        return Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static Map<String, Object> rules(Monitoring monitoring, List<AlertRule> rules) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (AlertRule rule : rules) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("alert", rule.name());
            r.put("expr", rule.expr().promql());
            r.put("for", Expr.duration(rule.holdFor()));
            r.put("keep_firing_for", Expr.duration(rule.keepFiringFor()));
            Map<String, String> labels = new LinkedHashMap<>(rule.labels());
            r.put("labels", labels);
            r.put("annotations", Map.of("summary", rule.summary(), "setting", rule.seedKey()));
            list.add(r);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "nlt");
        group.put("interval", Expr.duration(monitoring.interval()));
        group.put("rules", list);
        return Map.of("groups", List.of(group));
    }

    static Map<String, Object> tests(Monitoring monitoring, List<AlertRule> rules) {
        Duration interval = monitoring.interval();
        List<Map<String, Object>> tests = new ArrayList<>();
        for (Scenario scenario : Scenarios.of(monitoring)) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", scenario.alertname() + (scenario.breaching() ? " fires" : " stays quiet"));
            test.put("interval", Expr.duration(interval));
            List<Map<String, Object>> inputs = new ArrayList<>();
            for (Scenario.Input input : scenario.series()) {
                inputs.add(Map.of("series", input.selector(), "values", input.values(scenario.steps())));
            }
            test.put("input_series", inputs);
            List<Map<String, Object>> expected = new ArrayList<>();
            for (Evaluator.Alert alert : scenario.firing(rules, interval)) {
                Map<String, String> labels = new LinkedHashMap<>(alert.labels());
                labels.remove("alertname");
                expected.add(Map.of("exp_labels", labels, "exp_annotations",
                        Map.of("summary", alert.summary(), "setting", alert.rule().seedKey())));
            }
            test.put("alert_rule_test", List.of(Map.of("eval_time", Expr.duration(scenario.end(interval)),
                    "alertname", scenario.alertname(), "exp_alerts", expected)));
            tests.add(test);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(RULES));
        file.put("evaluation_interval", Expr.duration(interval));
        file.put("tests", tests);
        return file;
    }

    static Map<String, Object> prometheus(Monitoring monitoring, Targets targets) {
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("scrape_interval", Expr.duration(monitoring.interval()));
        global.put("evaluation_interval", Expr.duration(monitoring.interval()));
        List<Map<String, Object>> jobs = new ArrayList<>();
        if (targets.kubernetes()) {
            jobs.add(podJob("api", targets.namespace(), "nlt-api"));
            jobs.add(podJob("gateway", targets.namespace(), "nlt-gateway"));
        } else {
            jobs.add(staticJob("gateway", List.of(Map.of("targets", List.of(targets.gateway()),
                    "labels", Map.of("instance", "gateway")))));
            List<Map<String, Object>> instances = new ArrayList<>();
            for (Instance i : targets.instances()) {
                instances.add(Map.of("targets", List.of(i.address()),
                        "labels", Map.of("instance", i.id(), "region", i.region())));
            }
            jobs.add(staticJob("api", instances));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", global);
        config.put("rule_files", List.of(RULES));
        config.put("alerting", Map.of("alertmanagers", List.of(Map.of("static_configs",
                List.of(Map.of("targets", List.of("localhost:9093")))))));
        config.put("scrape_configs", jobs);
        return config;
    }

    private static Map<String, Object> staticJob(String name, List<Map<String, Object>> targets) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", name);
        job.put("metrics_path", "/metrics");
        job.put("static_configs", targets);
        return job;
    }

    /** Pods labelled {@code app.kubernetes.io/name=NAME}, scraped on their port named {@code http}. */
    private static Map<String, Object> podJob(String name, String namespace, String app) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", name);
        job.put("metrics_path", "/metrics");
        job.put("kubernetes_sd_configs", List.of(Map.of("role", "pod",
                "namespaces", Map.of("names", List.of(namespace)))));
        job.put("relabel_configs", List.of(
                Map.of("source_labels", List.of("__meta_kubernetes_pod_label_app_kubernetes_io_name"),
                        "regex", app, "action", "keep"),
                Map.of("source_labels", List.of("__meta_kubernetes_pod_container_port_name"),
                        "regex", "http", "action", "keep"),
                Map.of("source_labels", List.of("__meta_kubernetes_pod_name"), "target_label", "instance"),
                Map.of("source_labels", List.of("__meta_kubernetes_pod_label_topology_kubernetes_io_region"),
                        "target_label", "region")));
        return job;
    }
}
