package com.nextleveltraders.config;

/** Page sizes of list endpoints: {@code query.patterns.pagination}. */
public record Pagination(int maxLimit, int defaultLimit) {

    public Pagination {
        Ranges.of(Pagination.class)
                .atLeast("maxLimit", maxLimit, 1)
                .atLeast("defaultLimit", defaultLimit, 1)
                .check();
    }
}
