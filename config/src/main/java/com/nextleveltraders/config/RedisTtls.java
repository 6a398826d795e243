package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** Lifetimes of the entries kept in Redis: {@code caching.redis}. */
public record RedisTtls(Duration session, Duration api, Duration rateLimit) {

    public RedisTtls {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Ranges.of(RedisTtls.class)
                .positive("session", session)
                .positive("api", api)
                .positive("rateLimit", rateLimit)
                .check();
    }
}
