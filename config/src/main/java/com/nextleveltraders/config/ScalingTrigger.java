package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** A utilisation target in percent, averaged over {@code window}. */
public record ScalingTrigger(int target, Duration window) {
    private static final int MAX_PERCENT = 100;

    public ScalingTrigger {
        Objects.requireNonNull(window, "window");
        Ranges.of(ScalingTrigger.class)
                .between("target", target, 1, MAX_PERCENT)
                .positive("window", window)
                .check();
    }
}
