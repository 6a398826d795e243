package com.nextleveltraders.config;

import java.util.Objects;

/** When to add and remove instances: {@code autoScaling}. */
public record AutoScaling(ScaleUpRules scaleUp, ScaleDownRules scaleDown) {

    public AutoScaling {
        Objects.requireNonNull(scaleUp, "scaleUp");
        Objects.requireNonNull(scaleDown, "scaleDown");
    }
}
