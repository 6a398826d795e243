package com.nextleveltraders.config;

import java.util.Objects;

/** Host utilisation thresholds: {@code monitoring.system}. */
public record SystemAlerts(PercentAlert cpu, PercentAlert memory) {

    public SystemAlerts {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }
}
