package com.nextleveltraders.config;

import java.util.Objects;

/** Limits on list queries: {@code query.patterns}. */
public record QueryPatterns(Pagination pagination, Sorting sorting, Filtering filtering) {

    public QueryPatterns {
        Objects.requireNonNull(pagination, "pagination");
        Objects.requireNonNull(sorting, "sorting");
        Objects.requireNonNull(filtering, "filtering");
    }
}
