package com.nextleveltraders.embedded;

import java.util.Objects;

/** Where a Redis server listens; prints as {@code host:port}. */
public record RedisServerAddress(String host, int port) {

    public RedisServerAddress {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
