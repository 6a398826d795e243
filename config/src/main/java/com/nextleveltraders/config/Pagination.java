package com.nextleveltraders.config;

/** Page sizes of list endpoints: {@code query.patterns.pagination}. */
public record Pagination(int maxLimit, int defaultLimit) {
}
