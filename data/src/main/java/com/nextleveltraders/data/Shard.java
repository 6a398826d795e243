package com.nextleveltraders.data;

import java.util.Objects;
import javax.sql.DataSource;

/**
 * One shard: a primary that takes every write, and a streaming replica (or {@code null}) for reads
 * that may be slightly stale, which {@link Database#read} routes.
 */
public record Shard(int id, DataSource primary, DataSource replica) {
    public Shard {
        Objects.requireNonNull(primary, "primary");
    }
}
