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

    private static final int MAX_MASTERS = 100;
    static final int MAX_REPLICAS = 5;

    public RedisClusterShape {
        Objects.requireNonNull(nodeTimeout, "nodeTimeout");
        // With fewer than three masters no majority survives losing one, so no failover could happen.
        Ranges.of(RedisClusterShape.class)
                .between("masters", masters, 3, MAX_MASTERS)
                .between("replicasPerMaster", replicasPerMaster, 0, MAX_REPLICAS)
                .positive("nodeTimeout", nodeTimeout)
                .check();
    }
}
