package com.nextleveltraders.config;

/** How many sort keys one query may use: {@code query.patterns.sorting}. */
public record Sorting(int maxFields) {

    public Sorting {
        Ranges.of(Sorting.class)
                .atLeast("maxFields", maxFields, 1)
                .check();
    }
}
