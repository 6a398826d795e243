package com.nextleveltraders.monitor;

import com.nextleveltraders.config.Monitoring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For each alert of {@link Rules}, an input that crosses its threshold and one that stays below, sized from the
 * configured thresholds and windows so that the first fires within the run and the second never does.
 */
public final class Scenarios {

    private static final String GATEWAY = "gateway";
    private static final double PERCENT = 100;
    private static final double MILLIS = 1000;
    // Requests per interval in the histograms: enough that a quantile is well inside its bucket.
    private static final double REQUESTS = 100;

    private Scenarios() {
    }

    public static List<Scenario> of(Monitoring m) {
        List<Scenario> all = new ArrayList<>();
        var rt = m.application().responseTime();
        var qt = m.database().queryTime();
        var errors = m.application().errorRate();
        var connections = m.database().connections();
        var cpu = m.system().cpu();
        var memory = m.system().memory();
        for (boolean breaching : new boolean[] {true, false}) {
            all.add(new Scenario("ResponseTimeHigh", breaching, histogram(Rules.GATEWAY_RESPONSES + "_bucket",
                    Map.of("job", GATEWAY, "instance", GATEWAY, "region", "fra1", "status", "2xx"),
                    seconds(rt.threshold()), breaching), steps(m, rt.window())));
            // 10 % of answers 5xx against a threshold that may be as high as 100 %: use ten times the threshold,
            // capped below 100, for a breach, and a tenth of it otherwise.
            double share = breaching ? Math.min(errors.threshold() * 10, 99) : errors.threshold() / 10;
            all.add(new Scenario("ErrorRateHigh", breaching, List.of(
                    input(Rules.GATEWAY_RESPONSES + "_count", Map.of("job", GATEWAY, "instance", GATEWAY,
                            "region", "fra1", "status", "2xx"), 0, REQUESTS * (PERCENT - share)),
                    input(Rules.GATEWAY_RESPONSES + "_count", Map.of("job", GATEWAY, "instance", GATEWAY,
                            "region", "fra1", "status", "5xx"), 0, REQUESTS * share)),
                    steps(m, errors.window())));
            double used = breaching ? between(connections.threshold(), PERCENT) : connections.threshold() / 2.0;
            all.add(new Scenario("DatabaseConnectionsHigh", breaching, List.of(
                    input(Rules.SERVER_BACKENDS, Map.of("job", "postgres", "server", "db-1:5432"), used, 0),
                    input(Rules.SERVER_MAX_CONNECTIONS, Map.of("job", "postgres", "server", "db-1:5432"), PERCENT, 0)),
                    steps(m, connections.window())));
            Map<String, String> instance = Map.of("job", Rules.JOB_API, "instance", "fra1-1", "region", "fra1");
            all.add(new Scenario("ConnectionPoolBusy", breaching, List.of(
                    input(Rules.POOL_ACTIVE, with(instance, "pool", "shard-1"), used, 0),
                    input(Rules.POOL_MAX, with(instance, "pool", "shard-1"), PERCENT, 0)),
                    steps(m, connections.window())));
            all.add(new Scenario("QueryTimeHigh", breaching, histogram(Rules.DB_OPERATIONS + "_bucket",
                    with(instance, "operation", "place_order"), seconds(qt.threshold()), breaching),
                    steps(m, qt.window())));
            double cpuPercent = breaching ? between(cpu.threshold(), PERCENT) : cpu.threshold() / 2.0;
            all.add(new Scenario("CpuHigh", breaching, List.of(
                    input("process_cpu_usage", instance, cpuPercent / PERCENT, 0)), steps(m, cpu.window())));
            double heap = breaching ? between(memory.threshold(), PERCENT) : memory.threshold() / 2.0;
            all.add(new Scenario("MemoryHigh", breaching, List.of(
                    input("jvm_memory_used_bytes", with(with(instance, "area", "heap"), "id", "G1 Old Gen"),
                            heap * 1_000_000, 0),
                    input("jvm_memory_max_bytes", with(with(instance, "area", "heap"), "id", "G1 Old Gen"),
                            PERCENT * 1_000_000, 0),
                    // A pool without a maximum reports -1; it must not lower the heap's maximum.
                    input("jvm_memory_used_bytes", with(with(instance, "area", "heap"), "id", "G1 Eden Space"), 0, 0),
                    input("jvm_memory_max_bytes", with(with(instance, "area", "heap"), "id", "G1 Eden Space"), -1, 0)),
                    steps(m, memory.window())));
        }
        return all;
    }

    /** Enough evaluations for a breach from the second one on to fire, and two more. */
    private static int steps(Monitoring m, Duration window) {
        return (int) (window.toMillis() / m.interval().toMillis()) + 3;
    }

    /**
     * Cumulative buckets around {@code thresholdSeconds}: every request either in the bucket just above the
     * threshold (the quantile lands above it) or in the lowest bucket (far below it).
     */
    private static List<Scenario.Input> histogram(String name, Map<String, String> labels, double thresholdSeconds,
            boolean slow) {
        double[] bounds = {thresholdSeconds / 5, thresholdSeconds, thresholdSeconds * 2, Double.POSITIVE_INFINITY};
        List<Scenario.Input> series = new ArrayList<>();
        for (int i = 0; i < bounds.length; i++) {
            boolean counts = slow ? i >= 2 : true;
            String le = Double.isInfinite(bounds[i]) ? "+Inf" : Expr.number(bounds[i]);
            series.add(input(name, with(labels, "le", le), 0, counts ? REQUESTS : 0));
        }
        return series;
    }

    private static double between(double threshold, double max) {
        return Math.floor((threshold + max) / 2) > threshold ? Math.floor((threshold + max) / 2) : max;
    }

    private static Scenario.Input input(String name, Map<String, String> labels, double start, double step) {
        return new Scenario.Input(with(labels, "__name__", name), start, step);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new TreeMap<>(labels);
        more.put(name, value);
        return more;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / MILLIS / MILLIS / MILLIS;
    }
}
