package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** The load balancer's probe of each instance: {@code loadBalancer.healthCheck}. */
public record HealthCheck(
        String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }
}
