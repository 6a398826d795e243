package com.nextleveltraders.config;

import java.util.Objects;

/** Database thresholds: {@code monitoring.database}. */
public record DatabaseAlerts(PercentAlert connections, LatencyAlert queryTime) {

    public DatabaseAlerts {
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(queryTime, "queryTime");
    }
}
