package com.nextleveltraders.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Redis runs: {@code platform.redis}.
 *
 * @param passwordFile file holding the password, or {@code null} when none is needed
 */
public record RedisEndpoint(String host, int port, Path passwordFile) {

    public RedisEndpoint {
        Objects.requireNonNull(host, "host");
    }
}
