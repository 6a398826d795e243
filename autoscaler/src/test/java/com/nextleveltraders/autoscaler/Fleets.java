package com.nextleveltraders.autoscaler;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.monitor.LatencyHistogram;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Test fixtures: the rules with windows of seconds, instances, samples and request histograms. */
final class Fleets {

    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    static final Duration SECOND = Duration.ofSeconds(1);
    /** The strategy's thresholds and steps, with windows of seconds instead of minutes. */
    static final String SECONDS_YAML = """
            autoScaling:
              interval: 1s
              cooldown: 0s
              warmup: 10s
              scaleUp:
                cpu: { duration: 5s }
                memory: { duration: 5s }
                responseTime: { duration: 5s }
              scaleDown:
                cpu: { duration: 15s }
                memory: { duration: 15s }
            """;
    static final PlatformConfig SECONDS = ConfigLoader.loadYaml(SECONDS_YAML);
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, Double.POSITIVE_INFINITY};

    private Fleets() {
    }

    /** The rules with windows of seconds and the given cooldown. */
    static PlatformConfig withCooldown(Duration cooldown) {
        return ConfigLoader.loadYaml(SECONDS_YAML.replace("cooldown: 0s", "cooldown: " + cooldown.toSeconds() + "s"));
    }

    /** {@code n} instances started an hour before {@link #T0}, spread over the three regions in order. */
    static List<Instance> fleet(int n) {
        List<Instance> fleet = new ArrayList<>();
        String[] regions = {"fra1", "lhr1", "iad1"};
        for (int i = 1; i <= n; i++) {
            fleet.add(instance("api-" + i, regions[(i - 1) % regions.length], T0.minus(Duration.ofHours(1))));
        }
        return fleet;
    }

    static Instance instance(String id, String region, Instant startedAt) {
        return new Instance(id, region, startedAt, URI.create("http://127.0.0.1:1/metrics/" + id));
    }

    static InstanceMetrics sample(Instance instance, Instant at, double cpu, double memory) {
        return InstanceMetrics.of(instance.id(), at, OptionalDouble.of(cpu), OptionalDouble.of(memory), Optional.empty());
    }

    static InstanceMetrics sample(Instance instance, Instant at, double cpu, double memory, LatencyHistogram requests) {
        return InstanceMetrics.of(instance.id(), at, OptionalDouble.of(cpu), OptionalDouble.of(memory),
                Optional.of(requests));
    }

    /** {@code count} requests in {@code (from, to]}, all taking between two adjacent bounds of {@link #BOUNDS}. */
    static LatencyHistogram requestsIn(Instant from, Instant to, double lowerBound, long count) {
        List<LatencyHistogram.Bucket> buckets = new ArrayList<>();
        for (double bound : BOUNDS) {
            buckets.add(new LatencyHistogram.Bucket(bound, bound > lowerBound ? count : 0));
        }
        return new LatencyHistogram(from, to, buckets);
    }
}
