package com.nextleveltraders.config;

import java.util.Locale;

/** A PostgreSQL index method; written in YAML in lower case ({@code btree}). */
public enum IndexType {
    BTREE;

    /** The YAML spelling, which is also the SQL spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
