package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Add {@code increment} instances when latency stays above {@code threshold} for {@code duration}. */
public record LatencyScaleUpRule(Duration threshold, Duration duration, int increment) {

    public LatencyScaleUpRule {
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(duration, "duration");
        Ranges.of(LatencyScaleUpRule.class)
                .positive("threshold", threshold)
                .positive("duration", duration)
                .atLeast("increment", increment, 1)
                .check();
    }
}
