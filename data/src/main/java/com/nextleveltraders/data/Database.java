package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The data tier as the rest of the platform sees it: a catalog (users by email) and a router to
 * the shard of each user. With one server, catalog and the only shard share one pool.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final ShardRouter router;

    private Database(HikariDataSource pool, ShardRouter router) {
        this.pool = pool;
        this.router = router;
    }

    /** Opens the pool to {@code platform.postgres}; does not migrate. */
    public static Database open(PlatformConfig config) {
        if (config.database().sharding().shards() != 1) {
            // Several shards need the catalog and the bucket directory, which this data tier does not have yet.
            throw new IllegalStateException("database.sharding.shards: only 1 is supported so far (got "
                    + config.database().sharding().shards() + ")");
        }
        HikariDataSource pool = Pools.open("nlt-" + config.platform().api().instanceId(), config);
        Shard only = new Shard(0, pool, pool);
        return new Database(pool, new SingleShardRouter(only, config.database().sharding().buckets()));
    }

    public DataSource catalog() {
        return pool;
    }

    public ShardRouter router() {
        return router;
    }

    public Shard shardFor(UUID userId) {
        return router.shardFor(userId);
    }

    /** True when a connection can be had within the pool's connection timeout and answers in one second. */
    public boolean isUp() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Pool statistics for metrics: active and maximum connections. */
    public int activeConnections() {
        var bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }

    public int maxConnections() {
        return pool.getMaximumPoolSize();
    }

    @Override
    public void close() {
        pool.close();
    }
}
