package com.nextleveltraders.config;

import java.util.Objects;

/** One node of the Redis cluster: an element of {@code redis.nodes}. */
public record RedisNode(String host, int port, RedisRole role) {

    public RedisNode {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Ranges.of(RedisNode.class)
                .notBlank("host", host)
                .port("port", port)
                .check();
    }
}
