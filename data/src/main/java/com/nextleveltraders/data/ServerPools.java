package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HikariCP pool per server (host, port, database), opened when first needed and shared by
 * everything on that server: the catalog and a shard on one server share one pool.
 */
final class ServerPools implements AutoCloseable {

    private final PlatformConfig config;
    private final String instance;
    private final DataMetrics metrics;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>(); // guarded by this

    ServerPools(PlatformConfig config, String instance, DataMetrics metrics) {
        this.config = config;
        this.instance = instance;
        this.metrics = metrics;
    }

    synchronized HikariDataSource get(String host, int port, String database) {
        String key = host + ":" + port + "/" + database;
        HikariDataSource pool = pools.get(key);
        if (pool == null) {
            var endpoint = config.platform().postgres();
            var hikari = Pools.hikariConfig("nlt-" + instance + "-" + (pools.size() + 1), config, host, port, database,
                    endpoint.user(), endpoint.passwordFile());
            // Metrics name the server, not the pool: the pool's name changes with the order servers
            // were first used in, and an alert must say which server is short of connections.
            hikari.setMetricsTrackerFactory(metrics.pool(key));
            pool = new HikariDataSource(hikari);
            pools.put(key, pool);
        }
        return pool;
    }

    /**
     * Closes {@code pool}, one of these, when a shard that used it has left (its connections in
     * use are ended); a later {@link #get} of its server opens a new one.
     */
    synchronized void close(javax.sql.DataSource pool) {
        pools.values().removeIf(open -> {
            if (open != pool) {
                return false;
            }
            open.close();
            return true;
        });
    }

    /** Connections in use and the most allowed, over every pool. */
    synchronized int[] usage() {
        int active = 0;
        int max = 0;
        for (HikariDataSource pool : pools.values()) {
            var bean = pool.getHikariPoolMXBean();
            active += bean == null ? 0 : bean.getActiveConnections();
            max += pool.getMaximumPoolSize();
        }
        return new int[] {active, max};
    }

    @Override
    public synchronized void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
