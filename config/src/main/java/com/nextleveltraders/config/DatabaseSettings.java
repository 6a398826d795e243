package com.nextleveltraders.config;

import java.util.Objects;

/**
 * Database connection pooling and sharding: {@code database}.
 *
 * @param replication         how each shard's primary replicates to its replica
 * @param reservedConnections connections every PostgreSQL server `nlt up` starts has beyond what the instances'
 *                            pools may take, for the launcher, migrations and tools; from 0 to 10000
 * @param failover            how `nlt up` detects a shard primary's loss and fails it over
 */
public record DatabaseSettings(DbPool pool, Sharding sharding, Replication replication, int reservedConnections,
        DbFailover failover) {

    // Far above what a launcher and a few tools use; a larger figure is a typo, not a plan.
    private static final int MAX_RESERVED_CONNECTIONS = 10_000;

    public DatabaseSettings {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(sharding, "sharding");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(failover, "failover");
        Ranges.of(DatabaseSettings.class)
                .between("reservedConnections", reservedConnections, 0, MAX_RESERVED_CONNECTIONS)
                .check();
    }
}
