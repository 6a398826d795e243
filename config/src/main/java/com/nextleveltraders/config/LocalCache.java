package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The in-process (L1) tier in front of Redis: at most {@code maxEntries}, each kept for {@code ttl}
 * at most: {@code platform.localCache}.
 */
public record LocalCache(int maxEntries, Duration ttl) {

    public LocalCache {
        Objects.requireNonNull(ttl, "ttl");
        Ranges.of(LocalCache.class)
                .atLeast("maxEntries", maxEntries, 1)
                .positive("ttl", ttl)
                .check();
    }
}
