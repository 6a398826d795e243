package com.nextleveltraders.config;

/** How many sort keys one query may use: {@code query.patterns.sorting}. */
public record Sorting(int maxFields) {
}
