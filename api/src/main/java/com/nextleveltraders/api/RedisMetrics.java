package com.nextleveltraders.api;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Redis command latency on the instance's {@code /metrics}, as Lettuce measures it:
 * {@code lettuce_command_completion_seconds} (to the whole answer) and
 * {@code lettuce_command_firstresponse_seconds}, histograms by {@code command} and {@code remote}
 * (the node). Histograms only: percentiles are for Prometheus to compute from the buckets, not for
 * every command to pay for here.
 */
final class RedisMetrics {

    // Redis answers in well under a millisecond when healthy; past the command timeout nothing is recorded.
    private static final Duration MIN_LATENCY = Duration.ofNanos(100_000);
    private static final Duration MAX_LATENCY = Duration.ofSeconds(5);

    private RedisMetrics() {
    }

    static CommandLatencyRecorder recorder(MeterRegistry registry) {
        return new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.builder()
                .enable()
                .histogram(true)
                .targetPercentiles(new double[0])
                .localDistinction(false)
                .minLatency(MIN_LATENCY)
                .maxLatency(MAX_LATENCY)
                .build());
    }
}
