package com.nextleveltraders.config;

/** How many filter conditions one query may use: {@code query.patterns.filtering}. */
public record Filtering(int maxConditions) {

    public Filtering {
        Ranges.of(Filtering.class)
                .atLeast("maxConditions", maxConditions, 1)
                .check();
    }
}
