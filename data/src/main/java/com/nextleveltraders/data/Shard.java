package com.nextleveltraders.data;

import java.util.Objects;
import javax.sql.DataSource;

/**
 * One shard: a primary that takes every write, and a replica for reads that may be slightly stale.
 * Until streaming replicas exist the replica is the primary itself.
 */
public record Shard(int id, DataSource primary, DataSource replica) {
    public Shard {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(replica, "replica");
    }
}
