package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Fires {@code action} when the share of failed requests stays above {@code threshold} for {@code window}.
 *
 * @param threshold percent of requests; fractional because useful error budgets are often below 1 %
 */
public record ErrorRateAlert(double threshold, Duration window, AlertAction action) {

    public ErrorRateAlert {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(action, "action");
        Ranges.of(ErrorRateAlert.class)
                .percent("threshold", threshold)
                .positive("window", window)
                .check();
    }
}
