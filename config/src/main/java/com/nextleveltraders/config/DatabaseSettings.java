package com.nextleveltraders.config;

import java.util.Objects;

/** Database connection pooling and sharding: {@code database}. */
public record DatabaseSettings(DbPool pool, Sharding sharding) {

    public DatabaseSettings {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(sharding, "sharding");
    }
}
