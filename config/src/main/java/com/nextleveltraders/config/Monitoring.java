package com.nextleveltraders.config;

import java.util.Objects;

/** Metric thresholds and what to do when they are crossed: {@code monitoring}. */
public record Monitoring(SystemAlerts system, ApplicationAlerts application, DatabaseAlerts database) {

    public Monitoring {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(database, "database");
    }
}
