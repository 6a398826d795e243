package com.nextleveltraders.api;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Redis command latency on the instance's {@code /metrics}, as Lettuce measures it:
 * {@code lettuce_command_completion_seconds} (to the whole answer) and
 * {@code lettuce_command_firstresponse_seconds}, histograms by {@code command} and {@code remote}
 * (the node). Fixed buckets from 0.5 ms to 1 s and no percentiles: Prometheus computes those from
 * the buckets, and Lettuce's own histogram (some 70 buckets per command and node) would make up
 * most of a scrape.
 */
final class RedisMetrics {

    private static final String PREFIX = "lettuce.command.";
    private static final String COMPLETION = PREFIX + "completion";
    private static final String FIRST_RESPONSE = PREFIX + "firstresponse";
    private static final double[] BUCKETS_NANOS = Stream.of(0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0)
            .mapToDouble(millis -> millis * 1_000_000).toArray();

    private RedisMetrics() {
    }

    /** Sets the buckets of Lettuce's timers: before any meter is registered, as Micrometer asks of filters. */
    static void configure(MeterRegistry registry) {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().startsWith(PREFIX)) {
                    return config;
                }
                return DistributionStatisticConfig.builder().percentilesHistogram(false).percentiles()
                        .serviceLevelObjectives(BUCKETS_NANOS).build().merge(config);
            }
        });
    }

    /**
     * Lettuce's recorder into {@code registry}; a disabled one when {@code disabled} (the meter-name
     * prefixes the registry denies) covers both of its timers: Lettuce then does not time commands at
     * all, where a recorder into denied meters would still wrap and time every command.
     */
    static CommandLatencyRecorder recorder(MeterRegistry registry, List<String> disabled) {
        if (disabled.stream().anyMatch(COMPLETION::startsWith) && disabled.stream().anyMatch(FIRST_RESPONSE::startsWith)) {
            return CommandLatencyRecorder.disabled();
        }
        return new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.builder()
                .enable()
                .histogram(false)
                .targetPercentiles(new double[0])
                .localDistinction(false)
                .maxLatency(Duration.ofSeconds(5))
                .build());
    }
}
