package com.nextleveltraders.config;

import java.util.Objects;

/** A host and port, such as a Sentinel's: an element of {@code redis.sentinel.nodes}. */
public record RedisAddress(String host, int port) {

    public RedisAddress {
        Objects.requireNonNull(host, "host");
        Ranges.of(RedisAddress.class)
                .notBlank("host", host)
                .port("port", port)
                .check();
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
