package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** A utilisation target in percent, averaged over {@code window}. */
public record ScalingTrigger(int target, Duration window) {

    public ScalingTrigger {
        Objects.requireNonNull(window, "window");
    }
}
