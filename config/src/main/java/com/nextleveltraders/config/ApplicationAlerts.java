package com.nextleveltraders.config;

import java.util.Objects;

/** API latency and error thresholds: {@code monitoring.application}. */
public record ApplicationAlerts(LatencyAlert responseTime, ErrorRateAlert errorRate) {

    public ApplicationAlerts {
        Objects.requireNonNull(responseTime, "responseTime");
        Objects.requireNonNull(errorRate, "errorRate");
    }
}
