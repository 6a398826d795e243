package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** One database index: an element of {@code query.indexes}. */
public record IndexDefinition(String table, List<String> columns, IndexType type) {
    // Table and column names end up in DDL, so only plain, unquoted PostgreSQL identifiers are allowed.
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String IDENTIFIER = "a lower-case SQL identifier";

    public IndexDefinition {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        Objects.requireNonNull(type, "type");
        Ranges.of(IndexDefinition.class)
                .matches("table", table, SQL_IDENTIFIER, IDENTIFIER)
                .notEmpty("columns", columns)
                .eachMatches("columns", columns, SQL_IDENTIFIER, IDENTIFIER)
                .distinct("columns", columns, ConfigProblems::quote)
                .check();
    }
}
