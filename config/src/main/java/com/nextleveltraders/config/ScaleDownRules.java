package com.nextleveltraders.config;

import java.util.Objects;

/** Rules that remove instances: {@code autoScaling.scaleDown}. */
public record ScaleDownRules(ScaleDownRule cpu, ScaleDownRule memory) {

    public ScaleDownRules {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }
}
