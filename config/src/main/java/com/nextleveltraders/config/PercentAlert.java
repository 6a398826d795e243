package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Fires {@code action} when a percentage stays above {@code threshold} for {@code window}. */
public record PercentAlert(int threshold, Duration window, AlertAction action) {

    public PercentAlert {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        Ranges.of(PercentAlert.class)
                .percent("threshold", threshold)
                .positive("window", window)
                .check();
    }
}
