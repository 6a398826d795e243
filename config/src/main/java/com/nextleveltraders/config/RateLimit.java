package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Requests allowed per client and {@code period}, plus a burst allowance: {@code loadBalancer.rateLimit}, and
 * {@code platform.authRateLimit} for registration and login.
 */
public record RateLimit(int requests, Duration period, int burst) {

    public RateLimit {
        Objects.requireNonNull(period, "period");
        Ranges.of(RateLimit.class)
                .atLeast("requests", requests, 1)
                .positive("period", period)
                .atLeast("burst", burst, 1)
                .check();
    }
}
