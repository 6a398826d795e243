package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Fires {@code action} when a latency percentile, measured over {@code window}, stays above {@code threshold}
 * for {@code window}.
 *
 * @param percentile which percentile of the latencies is compared, above 0 and below 100 (the strategy's
 *                   figures are read as the p99, the measure the autoscaler's latency rule uses too)
 */
public record LatencyAlert(Duration threshold, double percentile, Duration window, AlertAction action) {

    private static final double MAX_PERCENTILE = 100;

    public LatencyAlert {
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        Ranges.of(LatencyAlert.class)
                .positive("threshold", threshold)
                .that(percentile > 0 && percentile < MAX_PERCENTILE, "percentile",
                        "must be above 0 and below 100 (got " + percentile + ")")
                .positive("window", window)
                .check();
    }
}
