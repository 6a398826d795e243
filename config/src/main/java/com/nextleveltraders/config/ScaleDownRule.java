package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Remove {@code decrement} instances when utilisation stays below {@code threshold} percent for {@code duration}. */
public record ScaleDownRule(int threshold, Duration duration, int decrement) {

    public ScaleDownRule {
        Objects.requireNonNull(duration, "duration");
        Ranges.of(ScaleDownRule.class)
                .percent("threshold", threshold)
                .positive("duration", duration)
                .atLeast("decrement", decrement, 1)
                .check();
    }
}
