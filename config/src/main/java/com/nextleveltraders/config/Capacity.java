package com.nextleveltraders.config;

import java.util.Objects;

/** Capacity-planning figures: {@code capacity}. */
public record Capacity(PerUser perUser, Growth growth, Infrastructure infrastructure) {

    public Capacity {
        Objects.requireNonNull(perUser, "perUser");
        Objects.requireNonNull(growth, "growth");
        Objects.requireNonNull(infrastructure, "infrastructure");
    }
}
