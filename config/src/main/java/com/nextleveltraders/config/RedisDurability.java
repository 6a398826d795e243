package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Writes that must survive a failover (sessions, cache generations) are acknowledged by this many
 * replicas ({@code WAIT}) before the platform answers: {@code redis.durability}.
 *
 * @param replicaAcks replicas that must hold the write; 0 to not wait
 * @param timeout     how long to wait for them; the write stands either way
 */
public record RedisDurability(int replicaAcks, Duration timeout) {

    public RedisDurability {
        Objects.requireNonNull(timeout, "timeout");
        // Capped at run time by the replicas there are (none in standalone mode), so one default fits every shape.
        Ranges.of(RedisDurability.class)
                .between("replicaAcks", replicaAcks, 0, RedisClusterShape.MAX_REPLICAS)
                .positive("timeout", timeout)
                .check();
    }
}
