package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;

/** HikariCP pools built from the strategy's {@code dbPool} values. */
final class Pools {

    private Pools() {
    }

    /** A pool to the PostgreSQL server named in {@code platform.postgres}. */
    static HikariDataSource open(String poolName, PlatformConfig config) {
        var endpoint = config.platform().postgres();
        return new HikariDataSource(hikariConfig(poolName, config, endpoint.host(), endpoint.port(),
                endpoint.database(), endpoint.user(), endpoint.passwordFile()));
    }

    static HikariConfig hikariConfig(String poolName, PlatformConfig config, String host, int port,
            String database, String user, Path passwordFile) {
        var pool = config.database().pool();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(poolName);
        hikari.setJdbcUrl("jdbc:postgresql://" + host + ":" + port + "/" + database);
        hikari.setUsername(user);
        if (passwordFile != null) {
            hikari.setPassword(Secrets.read(passwordFile));
        }
        hikari.setMinimumIdle(pool.min());
        // A server down when the pool is created must not fail every request of the instance: the
        // pool starts empty and each request that needs that server gets a clear outage (503).
        hikari.setInitializationFailTimeout(-1);
        hikari.setMaximumPoolSize(pool.max());
        hikari.setIdleTimeout(pool.idleTimeout().toMillis());
        hikari.setConnectionTimeout(pool.connectionTimeout().toMillis());
        // A validation that may take as long as the whole connection budget would leave no time to
        // try another connection: keep it well below (HikariCP's floor is 250 ms).
        hikari.setValidationTimeout(Math.max(250, pool.connectionTimeout().toMillis() / 2));
        // Server-side limits set at connection start, so that they hold for every statement.
        hikari.addDataSourceProperty("options", "-c statement_timeout=" + millis(pool.statementTimeout())
                + " -c idle_in_transaction_session_timeout=" + millis(pool.idleInTransactionSessionTimeout()));
        hikari.addDataSourceProperty("ApplicationName", poolName);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        var ssl = pool.ssl();
        if (ssl.ca() != null) {
            hikari.addDataSourceProperty("sslmode", ssl.rejectUnauthorized() ? "verify-full" : "require");
            hikari.addDataSourceProperty("sslrootcert", ssl.ca().toString());
        } else {
            // No CA configured: the local, loopback-only servers that `nlt up` starts.
            hikari.addDataSourceProperty("sslmode", "disable");
        }
        return hikari;
    }

    private static long millis(Duration duration) {
        return duration.toMillis();
    }
}
