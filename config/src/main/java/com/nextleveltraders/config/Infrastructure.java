package com.nextleveltraders.config;

import java.util.Objects;

/** The planned infrastructure now and later: {@code capacity.infrastructure}. */
public record Infrastructure(
        InfrastructureStage current, InfrastructureStage sixMonths, InfrastructureStage oneYear) {

    public Infrastructure {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(sixMonths, "sixMonths");
        Objects.requireNonNull(oneYear, "oneYear");
    }
}
