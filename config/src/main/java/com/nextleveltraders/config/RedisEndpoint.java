package com.nextleveltraders.config;

import java.nio.file.Path;

/**
 * How this platform reaches Redis: {@code platform.redis}. Where the nodes are is {@code redis.nodes}
 * (and {@code redis.sentinel.nodes}).
 *
 * @param passwordFile file holding the password of every node and Sentinel, or {@code null} when none is needed
 */
public record RedisEndpoint(Path passwordFile) {
}
