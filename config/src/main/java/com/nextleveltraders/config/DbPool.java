package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** The connection pool and its server-side timeouts: {@code database.pool}. */
public record DbPool(
        int min,
        int max,
        Duration idleTimeout,
        Duration connectionTimeout,
        Duration statementTimeout,
        Duration idleInTransactionSessionTimeout,
        DbSsl ssl) {

    // HikariCP refuses anything shorter.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    public DbPool {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(idleInTransactionSessionTimeout, "idleInTransactionSessionTimeout");
        Objects.requireNonNull(ssl, "ssl");
        Ranges.of(DbPool.class)
                .atLeast("min", min, 0)
                .atLeast("max", max, 1)
                .positive("idleTimeout", idleTimeout)
                .that(connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) >= 0, "connectionTimeout",
                        "must be >= " + Durations.format(MIN_CONNECTION_TIMEOUT)
                        + " (got " + Durations.describe(connectionTimeout) + ")")
                .positive("statementTimeout", statementTimeout)
                .positive("idleInTransactionSessionTimeout", idleInTransactionSessionTimeout)
                .check();
    }

    /**
     * The longest one API request may take: a wait for a connection ({@code connectionTimeout}), then one
     * statement to its timeout ({@code statementTimeout}). The instances time requests out and drain on stop
     * by it; Kubernetes' grace period is sized from it.
     */
    public Duration requestTimeout() {
        return statementTimeout.plus(connectionTimeout);
    }
}
