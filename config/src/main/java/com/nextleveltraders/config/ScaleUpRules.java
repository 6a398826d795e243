package com.nextleveltraders.config;

import java.util.Objects;

/** Rules that add instances: {@code autoScaling.scaleUp}. */
public record ScaleUpRules(ScaleUpRule cpu, ScaleUpRule memory, LatencyScaleUpRule responseTime) {

    public ScaleUpRules {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(responseTime, "responseTime");
    }
}
