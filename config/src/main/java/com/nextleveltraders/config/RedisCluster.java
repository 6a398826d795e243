package com.nextleveltraders.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Redis tier: {@code redis}. The strategy's nodes and client options, plus how they run
 * ({@code mode}), how long a client waits for a command ({@code commandTimeout}), the Sentinels that fail the master over, the shape of a Redis Cluster, and how
 * writes are made durable.
 */
public record RedisCluster(
        RedisMode mode,
        List<RedisNode> nodes,
        RedisOptions options,
        Duration commandTimeout,
        RedisSentinel sentinel,
        RedisClusterShape cluster,
        RedisPersistence persistence,
        RedisDurability durability) {

    public RedisCluster {
        Objects.requireNonNull(mode, "mode");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(sentinel, "sentinel");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(durability, "durability");
        Ranges.of(RedisCluster.class)
                .distinct("nodes", nodes, node -> node.host() + ":" + node.port(), "same host and port as",
                        node -> ConfigProblems.quote(node.host() + ":" + node.port()))
                .positive("commandTimeout", commandTimeout)
                .check();
    }

    /** The node with role master (validation guarantees exactly one outside cluster mode). */
    public RedisNode master() {
        return nodes.stream().filter(node -> node.role() == RedisRole.MASTER).findFirst()
                .orElseThrow(() -> new IllegalStateException("redis.nodes has no master"));
    }
}
