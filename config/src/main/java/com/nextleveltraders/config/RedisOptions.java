package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Redis client options: {@code redis.options}. */
public record RedisOptions(int maxRedirections, Duration retryDelayOnFailover, boolean enableReadyCheck) {

    public RedisOptions {
        Objects.requireNonNull(retryDelayOnFailover, "retryDelayOnFailover");
    }
}
