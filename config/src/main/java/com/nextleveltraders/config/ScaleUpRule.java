package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Add {@code increment} instances when utilisation stays above {@code threshold} percent for {@code duration}. */
public record ScaleUpRule(int threshold, Duration duration, int increment) {

    public ScaleUpRule {
        Objects.requireNonNull(duration, "duration");
        Ranges.of(ScaleUpRule.class)
                .percent("threshold", threshold)
                .positive("duration", duration)
                .atLeast("increment", increment, 1)
                .check();
    }
}
