package com.nextleveltraders.config;

import java.util.Objects;

/** Database connection pooling and sharding: {@code database}. */
public record Database(DbPool pool, Sharding sharding) {

    public Database {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(sharding, "sharding");
    }
}
