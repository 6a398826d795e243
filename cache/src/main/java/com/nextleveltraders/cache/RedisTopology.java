package com.nextleveltraders.cache;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;
import java.util.function.Function;

/** The connections of one Redis deployment shape (standalone, Sentinel-managed, cluster). */
interface RedisTopology extends AutoCloseable {

    /** Commands routed to the master owning each key. */
    RedisClusterCommands<String, String> primary();

    /** The same routing as {@link #primary()}, over the same connection, without blocking the caller. */
    RedisClusterAsyncCommands<String, String> primaryAsync();

    /** Commands whose reads may be answered by a replica (so may lag); writes still go to the master. */
    RedisClusterCommands<String, String> replicaReads();

    /**
     * Runs {@code work} on the one connection to the master owning {@code key}, so that a {@code WAIT}
     * issued inside it covers the write issued before it.
     */
    <T> T onMasterOf(String key, Function<RedisClusterCommands<String, String>, T> work);

    /** How many replicas each master is meant to have (what {@code WAIT} can hope for). */
    int replicasPerMaster();

    /** Every data node with the role it has now. */
    List<RedisConnections.NodeStatus> nodes();

    @Override
    void close();
}
