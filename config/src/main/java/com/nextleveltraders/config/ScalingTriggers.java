package com.nextleveltraders.config;

import java.util.Objects;

/** Utilisation targets that drive horizontal scaling: {@code scaling.triggers}. */
public record ScalingTriggers(ScalingTrigger cpu, ScalingTrigger memory) {

    public ScalingTriggers {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }
}
