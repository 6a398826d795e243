package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Redis Cluster that {@code nlt up} starts in cluster mode: {@code redis.cluster}. Clients find
 * the cluster's topology from {@code redis.nodes}.
 *
 * @param nodeTimeout how long a master may be unreachable before its replica takes over
 */
public record RedisClusterShape(int masters, int replicasPerMaster, Duration nodeTimeout) {

    public RedisClusterShape {
        Objects.requireNonNull(nodeTimeout, "nodeTimeout");
    }
}
