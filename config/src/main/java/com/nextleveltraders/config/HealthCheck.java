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
        Ranges.of(HealthCheck.class)
                .that(path.startsWith("/"), "path", "must start with \"/\" (got " + ConfigProblems.quote(path) + ")")
                .positive("interval", interval)
                .positive("timeout", timeout)
                .atLeast("unhealthyThreshold", unhealthyThreshold, 1)
                .atLeast("healthyThreshold", healthyThreshold, 1)
                .check();
    }
}
