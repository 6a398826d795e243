package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Redis client options: {@code redis.options}. */
public record RedisOptions(int maxRedirections, Duration retryDelayOnFailover, boolean enableReadyCheck) {

    public RedisOptions {
        Objects.requireNonNull(retryDelayOnFailover, "retryDelayOnFailover");
        Ranges.of(RedisOptions.class)
                .atLeast("maxRedirections", maxRedirections, 0)
                .positive("retryDelayOnFailover", retryDelayOnFailover)
                .check();
    }
}
