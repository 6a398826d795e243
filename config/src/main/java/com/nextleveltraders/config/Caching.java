package com.nextleveltraders.config;

import java.util.Objects;

/** Cache lifetimes per layer: {@code caching}. */
public record Caching(CacheTtls browser, CacheTtls cdn, RedisTtls redis) {

    public Caching {
        Objects.requireNonNull(browser, "browser");
        Objects.requireNonNull(cdn, "cdn");
        Objects.requireNonNull(redis, "redis");
    }
}
