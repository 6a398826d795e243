package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** Horizontal scaling of the application: {@code scaling}. */
public record Scaling(int minInstances, int maxInstances, List<String> regions, ScalingTriggers triggers) {

    public Scaling {
        regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
        Objects.requireNonNull(triggers, "triggers");
        Ranges.of(Scaling.class)
                .atLeast("minInstances", minInstances, 1)
                .notEmpty("regions", regions)
                .names("regions", regions)
                .check();
    }
}
