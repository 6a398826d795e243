package com.nextleveltraders.monitor;

import com.nextleveltraders.config.LatencyAlert;
import com.nextleveltraders.config.Monitoring;
import com.nextleveltraders.config.PercentAlert;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The strategy's monitoring thresholds as alerting rules over the metrics the platform exposes. Every name here is
 * a metric a process of the platform serves on its {@code /metrics} (or, for PostgreSQL, what the monitor reads
 * from each server, under the names postgres_exporter gives them), labelled with the scrape target's {@code job},
 * {@code instance} and, for API instances, {@code region}.
 */
public final class Rules {

    /** The answers of the gateway's public port, by the instance's region ({@code none}: the gateway answered). */
    public static final String GATEWAY_RESPONSES = "gateway_responses_seconds";
    /** Every database unit of work of an instance, by operation. */
    public static final String DB_OPERATIONS = "db_operations_seconds";
    public static final String POOL_ACTIVE = "hikaricp_connections_active";
    public static final String POOL_MAX = "hikaricp_connections_max";
    public static final String SERVER_BACKENDS = "pg_stat_activity_count";
    public static final String SERVER_MAX_CONNECTIONS = "pg_settings_max_connections";

    static final String JOB_API = "api";
    private static final double MILLIS = 1000;
    private static final double PERCENT = 100;

    private Rules() {
    }

    /** The rules of {@code monitoring}, in the order of the strategy's table. */
    public static List<AlertRule> of(Monitoring monitoring) {
        Duration keep = monitoring.keepFiringFor();
        var system = monitoring.system();
        var application = monitoring.application();
        var database = monitoring.database();
        LatencyAlert rt = application.responseTime();
        LatencyAlert qt = database.queryTime();
        var errors = application.errorRate();
        PercentAlert connections = database.connections();
        String p = "p" + Expr.number(rt.percentile());
        String pq = "p" + Expr.number(qt.percentile());
        Expr.Select answers = Expr.Select.of(GATEWAY_RESPONSES + "_bucket");
        Expr.Select count = Expr.Select.of(GATEWAY_RESPONSES + "_count");
        return List.of(
                new AlertRule("ResponseTimeHigh", "monitoring.application.responseTime",
                        latency(rt, answers.whereNot("region", "none"), "region"), millis(rt.threshold()), "ms",
                        rt.window(), keep, Map.of("severity", "warning"),
                        p + " response time at the gateway for {{ $labels.region }} is {{ $value | printf \"%.0f\" }}"
                                + " ms, above " + Expr.number(millis(rt.threshold())) + " ms for "
                                + Expr.duration(rt.window()), rt.action()),
                new AlertRule("ResponseTimeHigh", "monitoring.application.responseTime",
                        latency(rt, answers), millis(rt.threshold()), "ms", rt.window(), keep,
                        Map.of("severity", "warning", "region", "all"),
                        p + " response time at the gateway is {{ $value | printf \"%.0f\" }} ms, above "
                                + Expr.number(millis(rt.threshold())) + " ms for " + Expr.duration(rt.window()),
                        rt.action()),
                new AlertRule("ErrorRateHigh", "monitoring.application.errorRate",
                        new Expr.Above(new Expr.Scale(new Expr.Divide(new Expr.OrZero(
                                new Expr.SumBy(List.of(), new Expr.Rate(count.where("status", "5xx"), errors.window()))),
                                new Expr.SumBy(List.of(), new Expr.Rate(count, errors.window()))), PERCENT),
                                errors.threshold()),
                        errors.threshold(), "%", errors.window(), keep, Map.of("severity", "critical"),
                        "{{ $value | printf \"%.2f\" }} % of the gateway's answers are 5xx, above "
                                + Expr.number(errors.threshold()) + " % for " + Expr.duration(errors.window()),
                        errors.action()),
                new AlertRule("DatabaseConnectionsHigh", "monitoring.database.connections",
                        percent(new Expr.SumBy(List.of("server"), Expr.Select.of(SERVER_BACKENDS)),
                                new Expr.SumBy(List.of("server"), Expr.Select.of(SERVER_MAX_CONNECTIONS)),
                                connections.threshold()),
                        connections.threshold(), "%", connections.window(), keep, Map.of("severity", "warning"),
                        "PostgreSQL {{ $labels.server }} has {{ $value | printf \"%.0f\" }} % of max_connections in"
                                + " use, above " + connections.threshold() + " % for "
                                + Expr.duration(connections.window()), connections.action()),
                new AlertRule("ConnectionPoolBusy", "monitoring.database.connections",
                        percent(Expr.Select.of(POOL_ACTIVE), Expr.Select.of(POOL_MAX), connections.threshold()),
                        connections.threshold(), "%", connections.window(), keep, Map.of("severity", "warning"),
                        "{{ $labels.instance }} uses {{ $value | printf \"%.0f\" }} % of its pool {{ $labels.pool }},"
                                + " above " + connections.threshold() + " % for "
                                + Expr.duration(connections.window()), connections.action()),
                new AlertRule("QueryTimeHigh", "monitoring.database.queryTime",
                        latency(qt, Expr.Select.of(DB_OPERATIONS + "_bucket"), "operation"), millis(qt.threshold()),
                        "ms", qt.window(), keep, Map.of("severity", "warning"),
                        pq + " of {{ $labels.operation }} is {{ $value | printf \"%.0f\" }} ms, above "
                                + Expr.number(millis(qt.threshold())) + " ms for " + Expr.duration(qt.window()),
                        qt.action()),
                new AlertRule("CpuHigh", "monitoring.system.cpu",
                        new Expr.Above(new Expr.Scale(Expr.Select.of("process_cpu_usage").where("job", JOB_API),
                                PERCENT), system.cpu().threshold()),
                        system.cpu().threshold(), "%", system.cpu().window(), keep, Map.of("severity", "info"),
                        "{{ $labels.instance }} uses {{ $value | printf \"%.0f\" }} % CPU, above "
                                + system.cpu().threshold() + " % for " + Expr.duration(system.cpu().window()),
                        system.cpu().action()),
                new AlertRule("MemoryHigh", "monitoring.system.memory",
                        percent(new Expr.SumBy(List.of("instance", "region"), heap("jvm_memory_used_bytes")),
                                new Expr.SumBy(List.of("instance", "region"),
                                        new Expr.Above(heap("jvm_memory_max_bytes"), 0)),
                                system.memory().threshold()),
                        system.memory().threshold(), "%", system.memory().window(), keep, Map.of("severity", "info"),
                        "{{ $labels.instance }} uses {{ $value | printf \"%.0f\" }} % of its heap, above "
                                + system.memory().threshold() + " % for " + Expr.duration(system.memory().window()),
                        system.memory().action()));
    }

    /** The alert's percentile of a histogram's rate over its window, per {@code by}, in ms, above the threshold. */
    private static Expr latency(LatencyAlert alert, Expr.Select buckets, String... by) {
        List<String> labels = new java.util.ArrayList<>(List.of("le"));
        labels.addAll(List.of(by));
        return new Expr.Above(new Expr.Scale(new Expr.Quantile(alert.percentile() / PERCENT,
                new Expr.SumBy(labels, new Expr.Rate(buckets, alert.window()))), MILLIS), millis(alert.threshold()));
    }

    private static Expr percent(Expr part, Expr whole, double threshold) {
        return new Expr.Above(new Expr.Scale(new Expr.Divide(part, whole), PERCENT), threshold);
    }

    private static Expr.Select heap(String metric) {
        return Expr.Select.of(metric).where("job", JOB_API).where("area", "heap");
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
