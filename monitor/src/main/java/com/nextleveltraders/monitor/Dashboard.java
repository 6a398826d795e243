package com.nextleveltraders.monitor;

import com.nextleveltraders.config.Monitoring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations dashboard's panels as PromQL over the platform's metrics, and the same panels as a Grafana
 * dashboard. The alert panels use the rules' own measures, so a panel shows exactly what its alert compares.
 */
public final class Dashboard {

    /** One query of a panel and how its series are named in the legend. */
    public record Query(String expr, String legend) {
    }

    /** One panel; {@code threshold} is drawn as a line when an alert watches it, else NaN. */
    public record Panel(String title, String unit, List<Query> queries, double threshold) {

        public Panel {
            queries = List.copyOf(queries);
        }
    }

    private static final int WIDTH = 12;
    private static final int HEIGHT = 8;
    private static final int COLUMNS = 24;

    private Dashboard() {
    }

    public static List<Panel> panels(Monitoring monitoring) {
        List<AlertRule> rules = Rules.of(monitoring);
        List<Panel> panels = new ArrayList<>();
        AlertRule byRegion = rules.get(0);
        AlertRule overall = rules.get(1);
        panels.add(new Panel("Response time p" + Expr.number(monitoring.application().responseTime().percentile())
                + " at the gateway", "ms", List.of(new Query(byRegion.measure().promql(), "{{region}}"),
                new Query(overall.measure().promql(), "all")), byRegion.threshold()));
        AlertRule errors = rules.get(2);
        panels.add(new Panel("5xx answers at the gateway", "percent",
                List.of(new Query(errors.measure().promql(), "5xx share")), errors.threshold()));
        panels.add(new Panel("Requests per second", "reqps", List.of(
                new Query("sum by (region) (rate(" + Rules.GATEWAY_RESPONSES + "_count[1m]))", "{{region}}"),
                new Query("sum by (instance) (rate(http_server_requests_seconds_count{job=\"api\"}[1m]))",
                        "{{instance}}")), Double.NaN));
        panels.add(new Panel("Rate-limited requests per second", "reqps", List.of(
                new Query("sum(rate(gateway_rate_limited_total[1m]))", "gateway"),
                new Query("sum by (instance) (rate(http_server_requests_seconds_count{job=\"api\",status=\"429\"}"
                        + "[1m]))", "{{instance}}")), Double.NaN));
        AlertRule servers = rules.get(3);
        AlertRule pools = rules.get(4);
        panels.add(new Panel("Database connections in use", "percent", List.of(
                new Query(servers.measure().promql(), "{{server}}"),
                new Query(pools.measure().promql(), "{{instance}} {{pool}}")), servers.threshold()));
        AlertRule queries = rules.get(5);
        panels.add(new Panel("Query time p" + Expr.number(monitoring.database().queryTime().percentile())
                + " by operation", "ms", List.of(new Query(queries.measure().promql(), "{{operation}}")),
                queries.threshold()));
        panels.add(new Panel("Portfolio reads by cache tier", "reqps", List.of(new Query(
                "sum by (result) (rate(portfolio_cache_reads_total[1m]))", "{{result}}")), Double.NaN));
        panels.add(new Panel("Replica lag by shard", "s", List.of(new Query(
                "max by (shard) (db_replica_lag_seconds)", "shard {{shard}}")), Double.NaN));
        panels.add(new Panel("Redis command p99", "s", List.of(new Query("histogram_quantile(0.99, sum by (le, command)"
                + " (rate(lettuce_command_completion_seconds_bucket[1m])))", "{{command}}")), Double.NaN));
        panels.add(new Panel("Redis nodes up, by role", "none", List.of(new Query(
                "sum by (role) (nlt_redis_node_up)", "{{role}}")), Double.NaN));
        panels.add(new Panel("Instances: running and the autoscaler's target", "none", List.of(
                new Query("count(up{job=\"api\"} == 1)", "running"),
                new Query("max(nlt_autoscaler_target_instances)", "target"),
                new Query("sum by (kind) (increase(nlt_autoscaler_decisions_total{kind!=\"hold\"}[5m]))",
                        "{{kind}} in 5m")), Double.NaN));
        panels.add(new Panel("Bucket moves", "none", List.of(
                new Query("sum(nlt_bucket_moves{step!~\"done|rolled_back\"})", "in progress"),
                new Query("sum(increase(nlt_bucket_moves{step=\"done\"}[1h]))", "done in 1h")), Double.NaN));
        AlertRule cpu = rules.get(6);
        AlertRule memory = rules.get(7);
        panels.add(new Panel("CPU by instance", "percent",
                List.of(new Query(cpu.measure().promql(), "{{instance}}")), cpu.threshold()));
        panels.add(new Panel("Heap by instance", "percent",
                List.of(new Query(memory.measure().promql(), "{{instance}}")), memory.threshold()));
        return panels;
    }

    /** A Grafana dashboard (schema 39) of {@link #panels}, over a Prometheus data source chosen on import. */
    static Map<String, Object> grafana(Monitoring monitoring) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Panel> panels = panels(monitoring);
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            List<Map<String, Object>> targets = new ArrayList<>();
            for (int q = 0; q < p.queries().size(); q++) {
                targets.add(Map.of("expr", p.queries().get(q).expr(), "legendFormat", p.queries().get(q).legend(),
                        "refId", String.valueOf((char) ('A' + q)),
                        "datasource", Map.of("type", "prometheus", "uid", "${datasource}")));
            }
            Map<String, Object> defaults = new LinkedHashMap<>();
            defaults.put("unit", p.unit());
            if (!Double.isNaN(p.threshold())) {
                // Grafana's base step has no value: JSON null, not the string "null".
                Map<String, Object> base = new LinkedHashMap<>();
                base.put("color", "green");
                base.put("value", null);
                defaults.put("thresholds", Map.of("mode", "absolute", "steps", List.of(
                        base, Map.of("color", "red", "value", p.threshold()))));
                defaults.put("custom", Map.of("thresholdsStyle", Map.of("mode", "line")));
            }
            Map<String, Object> panel = new LinkedHashMap<>();
            panel.put("id", i + 1);
            panel.put("type", "timeseries");
            panel.put("title", p.title());
            panel.put("gridPos", Map.of("h", HEIGHT, "w", WIDTH, "x", (i * WIDTH) % COLUMNS, "y", (i / 2) * HEIGHT));
            panel.put("datasource", Map.of("type", "prometheus", "uid", "${datasource}"));
            panel.put("fieldConfig", Map.of("defaults", defaults, "overrides", List.of()));
            panel.put("targets", targets);
            out.add(panel);
        }
        Map<String, Object> dashboard = new LinkedHashMap<>();
        dashboard.put("title", "NextLevel Traders");
        dashboard.put("uid", "nlt-platform");
        dashboard.put("schemaVersion", 39);
        dashboard.put("refresh", Expr.duration(monitoring.interval()));
        dashboard.put("time", Map.of("from", "now-1h", "to", "now"));
        dashboard.put("templating", Map.of("list", List.of(Map.of("name", "datasource", "type", "datasource",
                "query", "prometheus", "label", "Prometheus"))));
        dashboard.put("panels", out);
        return dashboard;
    }
}
