package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** The Redis cluster's nodes and client options: {@code redis}. */
public record RedisCluster(List<RedisNode> nodes, RedisOptions options) {

    public RedisCluster {
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        Objects.requireNonNull(options, "options");
    }
}
