package com.nextleveltraders.autoscaler;

import com.nextleveltraders.monitor.LatencyHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One scrape of one instance. Any figure may be missing (the instance did not export it, or exported something
 * unreadable); a scrape that failed altogether is no {@code InstanceMetrics} at all.
 *
 * @param at when the scrape was answered
 * @param cpuPercent the process's CPU use, 0..100 of the whole machine
 * @param memoryPercent heap in use, 0..100 of the heap's maximum
 * @param p99 the 99th percentile of {@code requests}' durations
 * @param requests the requests the instance completed since its previous scrape, by duration; empty on its first
 *     scrape and after its counters were reset
 */
public record InstanceMetrics(String instanceId, Instant at, OptionalDouble cpuPercent, OptionalDouble memoryPercent,
        Optional<Duration> p99, Optional<LatencyHistogram> requests) {

    private static final double P99 = 0.99;

    public InstanceMetrics {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(cpuPercent, "cpuPercent");
        Objects.requireNonNull(memoryPercent, "memoryPercent");
        Objects.requireNonNull(p99, "p99");
        Objects.requireNonNull(requests, "requests");
        percent("cpuPercent", cpuPercent);
        percent("memoryPercent", memoryPercent);
    }

    /** The metrics with {@code p99} computed from {@code requests}. */
    public static InstanceMetrics of(String instanceId, Instant at, OptionalDouble cpuPercent,
            OptionalDouble memoryPercent, Optional<LatencyHistogram> requests) {
        return new InstanceMetrics(instanceId, at, cpuPercent, memoryPercent,
                requests.flatMap(histogram -> histogram.quantile(P99)), requests);
    }

    private static void percent(String name, OptionalDouble value) {
        if (value.isPresent() && !(value.getAsDouble() >= 0 && Double.isFinite(value.getAsDouble()))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value.getAsDouble());
        }
    }
}
