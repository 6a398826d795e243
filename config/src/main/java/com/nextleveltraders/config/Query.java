package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** Database indexes and the limits on what API queries may ask for: {@code query}. */
public record Query(List<IndexDefinition> indexes, QueryPatterns patterns) {

    public Query {
        indexes = List.copyOf(Objects.requireNonNull(indexes, "indexes"));
        Objects.requireNonNull(patterns, "patterns");
    }
}
