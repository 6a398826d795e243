package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Fires {@code action} when a latency stays above {@code threshold} for {@code window}. */
public record LatencyAlert(Duration threshold, Duration window, AlertAction action) {

    public LatencyAlert {
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        Ranges.of(LatencyAlert.class)
                .positive("threshold", threshold)
                .positive("window", window)
                .check();
    }
}
