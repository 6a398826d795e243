package com.nextleveltraders.config;

import java.util.Objects;

/**
 * Stored data today and its expected growth: {@code capacity.growth.data}.
 *
 * @param yearly multiplier per year
 */
public record DataGrowth(DataSize current, double yearly) {

    public DataGrowth {
        Objects.requireNonNull(current, "current");
        Ranges.of(DataGrowth.class)
                .positive("current", current)
                .positive("yearly", yearly)
                .check();
    }
}
