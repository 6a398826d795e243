package com.nextleveltraders.config;

/** How the Redis nodes run: {@code redis.mode}, written in lower case. */
public enum RedisMode {
    /** The master node alone: no failover. */
    STANDALONE,
    /** One master and its replicas, with Sentinels that promote a replica when the master fails. */
    SENTINEL,
    /** A Redis Cluster: slots spread over several masters, each with replicas. */
    CLUSTER
}
