package com.nextleveltraders.cli.local;

import com.nextleveltraders.autoscaler.Decision;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.data.rebalance.MoveCounts;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import com.nextleveltraders.monitor.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What only the launcher knows, as samples for the monitor: the autoscaler's decisions and target, the bucket
 * moves in the catalog's journal, and each Redis node's role as the platform's own client sees it. No HTTP
 * endpoint serves them; a Prometheus of one's own gets the same from the HPA, the catalog and redis_exporter.
 */
final class LauncherMetrics implements Target {

    private final LocalAutoscaler autoscaler;
    private final DataSource catalog;
    private final RedisConnections redis;

    LauncherMetrics(LocalAutoscaler autoscaler, DataSource catalog, RedisConnections redis) {
        this.autoscaler = autoscaler;
        this.catalog = catalog;
        this.redis = redis;
    }

    @Override
    public String id() {
        return "launcher";
    }

    @Override
    public Map<String, String> labels() {
        return Map.of("job", "launcher", "instance", "launcher");
    }

    @Override
    public List<Sample> collect() {
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample("nlt_autoscaler_target_instances", Map.of(), autoscaler.target()));
        for (Map.Entry<Decision.Kind, Long> e : autoscaler.decisions().entrySet()) {
            samples.add(new Sample("nlt_autoscaler_decisions_total",
                    Map.of("kind", e.getKey().name().toLowerCase(Locale.ROOT)), e.getValue()));
        }
        for (RedisConnections.NodeStatus node : redis.nodes()) {
            samples.add(new Sample("nlt_redis_node_up", Map.of("node", node.address(), "role", node.role()),
                    node.up() ? 1 : 0));
        }
        try {
            MoveCounts.byStep(catalog).forEach((step, count) -> samples.add(new Sample("nlt_bucket_moves",
                    Map.of("step", step.toLowerCase(Locale.ROOT)), count)));
        } catch (RuntimeException e) {
            // The catalog's own target reports it down; the other figures still count.
        }
        return samples;
    }
}
