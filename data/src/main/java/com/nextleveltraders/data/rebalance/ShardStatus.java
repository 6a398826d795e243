package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.ShardState;
import java.util.List;
import java.util.Objects;

/**
 * One shard as {@link ShardReport#read} found it. A figure that could not be read (its server did
 * not answer, or the query failed) is {@code null}, and {@code problems} says why.
 *
 * @param primary the primary's {@code host:port}
 * @param replica the replica's {@code host:port}, or {@code null} for a shard without one
 * @param buckets buckets the catalog's directory gives this shard
 * @param users users in the catalog whose bucket the directory gives this shard
 * @param rows rows of accounts, orders, trades and positions on the primary, in buckets the primary owns
 *     ({@code owned_buckets}); leftovers of a bucket that moved away are not counted
 * @param bytes on-disk size of those four tables on the primary, indexes and TOAST included
 * @param replicaUp whether the replica answered; {@code null} without a replica
 * @param replicaStreaming whether the replica's WAL receiver streams from its primary
 *     ({@code pg_stat_wal_receiver}); {@code null} when unknown (no replica, or it did not answer)
 * @param replicaLagBytes WAL the primary has written and the replica not yet replayed, in bytes
 * @param replicaLagSeconds 0 when the replica has replayed everything; otherwise seconds since it replayed its last
 *     transaction (on an idle primary that is old, which is why a caught-up replica reads 0)
 * @param replication whether a commit on the primary waits for a synchronous replica: {@code protected} (one is
 *     streaming in sync), {@code waiting} (one is required but none is in sync: commits wait), {@code unprotected}
 *     (the primary commits alone: asynchronous, or let alone by {@code database.replication.aloneAfter});
 *     {@code null} when the primary could not be read
 * @param problems what could not be read and why, one line each; empty when everything was read
 */
public record ShardStatus(int id, ShardState state, String primary, String replica, int buckets, long users,
        Long rows, Long bytes, boolean primaryUp, Boolean replicaUp, Boolean replicaStreaming,
        Long replicaLagBytes, Double replicaLagSeconds,
        String replication, List<String> problems) {

    /** {@link #replication()} when a synchronous replica has each commit. */
    public static final String PROTECTED = "protected";
    /** {@link #replication()} when commits wait for a synchronous replica that is not there. */
    public static final String WAITING = "waiting";
    /** {@link #replication()} when the primary acknowledges commits no replica has. */
    public static final String UNPROTECTED = "unprotected";

    public ShardStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(primary, "primary");
        problems = List.copyOf(problems);
    }
}
