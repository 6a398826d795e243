package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** One database index: an element of {@code query.indexes}. */
public record IndexDefinition(String table, List<String> columns, IndexType type) {

    public IndexDefinition {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        Objects.requireNonNull(type, "type");
    }
}
