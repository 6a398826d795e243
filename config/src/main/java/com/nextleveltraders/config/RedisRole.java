package com.nextleveltraders.config;

import java.util.Locale;

/** A Redis node's role; written in YAML in lower case ({@code master}, {@code replica}). */
public enum RedisRole {
    MASTER,
    REPLICA;

    /** The YAML spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
