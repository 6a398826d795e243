package com.nextleveltraders.data;

import java.util.Objects;

/**
 * A shard as the catalog's registry lists it: where its primary (and replica, if any) listen, its
 * database, and its state. Every server is reached with the catalog's user and password.
 */
public record RegisteredShard(int id, String primaryHost, int primaryPort, String replicaHost, int replicaPort,
        String database, ShardState state) {

    public RegisteredShard {
        if (id < 1) {
            throw new IllegalArgumentException("shard ids start at 1: " + id);
        }
        Objects.requireNonNull(primaryHost, "primaryHost");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(state, "state");
        if ((replicaHost == null) != (replicaPort == 0)) {
            throw new IllegalArgumentException("a replica needs both a host and a port");
        }
    }

    /** A shard without a replica. */
    public static RegisteredShard primaryOnly(int id, String host, int port, String database) {
        return new RegisteredShard(id, host, port, null, 0, database, ShardState.ACTIVE);
    }

    public boolean hasReplica() {
        return replicaHost != null;
    }
}
