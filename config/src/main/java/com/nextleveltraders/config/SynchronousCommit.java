package com.nextleveltraders.config;

/**
 * How far a shard's replica must have taken a commit before its primary acknowledges it:
 * {@code database.replication.synchronous}, PostgreSQL's {@code synchronous_commit} with the replica
 * named in {@code synchronous_standby_names}. What each loses in which failure is in the README's
 * "Replication guarantees".
 */
public enum SynchronousCommit {
    /** The replica has replayed the commit: nothing lost on failover, and a read there sees it at once. */
    REMOTE_APPLY,
    /** The replica has flushed the commit's WAL to its disk: nothing lost on failover, even if both hosts crash. */
    ON,
    /** The replica's OS has the commit's WAL, not yet on its disk: lost only if both hosts crash together. */
    REMOTE_WRITE,
    /** The primary's disk only: a failover loses what the replica had not received yet. */
    LOCAL,
    /** Not even the primary's disk: a crash of the primary loses its last commits (asynchronous commit). */
    OFF;

    /** True when a commit waits for the replica. */
    public boolean waitsForReplica() {
        return this == REMOTE_APPLY || this == ON || this == REMOTE_WRITE;
    }

    /** The value of PostgreSQL's {@code synchronous_commit}. */
    public String setting() {
        return Binder.spelling(this);
    }
}
