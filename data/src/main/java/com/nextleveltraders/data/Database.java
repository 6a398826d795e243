package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The data tier as the rest of the platform sees it: the catalog (users, the bucket directory, the
 * shard registry) and a router to the shard of each user. Writes go through {@link #write}, which
 * checks inside the transaction that the shard still owns the user's bucket.
 */
public final class Database implements AutoCloseable {

    // A stale directory is read again once per attempt; several in a row mean buckets are moving
    // right now, which a later retry by the client gets through.
    private static final int MAX_ROUTING_ATTEMPTS = 4;

    private final PlatformConfig config;
    private final ServerPools pools;
    private final HikariDataSource catalog;
    private final DirectoryRouter router;

    private Database(PlatformConfig config, ServerPools pools, HikariDataSource catalog, DirectoryRouter router) {
        this.config = config;
        this.pools = pools;
        this.catalog = catalog;
        this.router = router;
    }

    /**
     * Opens the pool to the catalog ({@code platform.postgres}); the shards' pools open when the
     * directory is first read. Does not migrate ({@link Migrations#apply}).
     */
    public static Database open(PlatformConfig config) {
        ServerPools pools = new ServerPools(config, config.platform().api().instanceId());
        var endpoint = config.platform().postgres();
        HikariDataSource catalog = pools.get(endpoint.host(), endpoint.port(), endpoint.database());
        return new Database(config, pools, catalog, new DirectoryRouter(catalog,
                config.database().sharding().buckets(), pools));
    }

    PlatformConfig config() {
        return config;
    }

    public DataSource catalog() {
        return catalog;
    }

    public ShardRouter router() {
        return router;
    }

    public Shard shardFor(UUID userId) {
        return router.shardFor(userId);
    }

    /** Reads the shard registry and the bucket directory again. */
    public void refreshDirectory() {
        router.refresh();
    }

    /**
     * Runs {@code work} in one transaction on the primary of the user's shard, after checking
     * there, inside the transaction, that the shard owns the user's bucket. A router whose
     * directory is stale therefore never writes to the old owner: it reads the directory again and
     * retries on the new one.
     */
    public <T> T write(UUID userId, SqlWork<T> work) {
        int bucket = router.bucketOf(userId);
        for (int attempt = 1; ; attempt++) {
            Shard shard = router.shardFor(userId);
            try {
                return Transactions.inTransaction(shard.primary(), connection -> {
                    Ownership.check(connection, bucket, shard.id());
                    return work.run(connection);
                });
            } catch (StaleDirectoryException stale) {
                if (attempt >= MAX_ROUTING_ATTEMPTS) {
                    throw new DatabaseUnavailableException("bucket " + bucket + " is moving; retry shortly", stale);
                }
                router.refresh();
            }
        }
    }

    /** True when the catalog gives a connection within the pool's timeout and answers in one second. */
    public boolean isUp() {
        return answers(catalog);
    }

    /** True when the primary of shard {@code shard} answers now. */
    public static boolean answers(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Pool statistics for metrics: connections in use and the most allowed, over every server. */
    public int activeConnections() {
        return pools.usage()[0];
    }

    public int maxConnections() {
        return pools.usage()[1];
    }

    @Override
    public void close() {
        pools.close();
    }
}
