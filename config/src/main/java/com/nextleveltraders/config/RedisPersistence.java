package com.nextleveltraders.config;

import java.util.Objects;

/** How every Redis node persists its data: {@code redis.persistence}. */
public record RedisPersistence(AppendFsync appendfsync) {

    public RedisPersistence {
        Objects.requireNonNull(appendfsync, "appendfsync");
    }
}
