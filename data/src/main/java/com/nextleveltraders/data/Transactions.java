package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction: commit on return, rollback on any exception, so that no request
 * ever leaves half a change behind. Serialization failures and deadlocks are retried; an
 * unreachable server becomes {@link DatabaseUnavailableException}.
 */
public final class Transactions {

    // Serialization failures and deadlocks resolve on retry; a third in a row means real contention.
    private static final int MAX_ATTEMPTS = 3;

    private Transactions() {
    }

    public static <T> T inTransaction(DataSource dataSource, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            // Until commit is asked for, a failure leaves nothing committed: the work may run again
            // elsewhere (the router does, when the shard's primary was failed over meanwhile).
            boolean[] committing = new boolean[1];
            try (Connection connection = dataSource.getConnection()) {
                try {
                    connection.setAutoCommit(false);
                } catch (SQLException e) {
                    throw DatabaseUnavailableException.beforeCommit("database unavailable: " + e.getMessage(), e);
                }
                try {
                    T result = work.run(connection);
                    committing[0] = true;
                    connection.commit();
                    return result;
                } catch (Throwable failure) {
                    rollbackQuietly(connection, failure);
                    throw failure;
                }
            } catch (SQLException e) {
                if (isRetryable(e)) {
                    if (attempt < MAX_ATTEMPTS) {
                        continue;
                    }
                    throw new DatabaseUnavailableException("database busy: gave up after " + attempt + " attempts", e);
                }
                if (!committing[0] && isUnavailable(e)) {
                    throw DatabaseUnavailableException.beforeCommit("database unavailable: " + e.getMessage(), e);
                }
                throw translate(e);
            }
        }
    }

    /** Read-only work outside an explicit transaction (autocommit). */
    public static <T> T read(DataSource dataSource, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            prepare(() -> connection.setReadOnly(true));
            // No reset here: the pool resets read-only when the connection comes back, and a reset on a
            // connection that just broke would hide the failure that broke it.
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Setting up a pooled connection that fails means the server went away (the pool's proxy says "closed"). */
    private static void prepare(SqlStep step) {
        try {
            step.run();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("database unavailable: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlStep {
        void run() throws SQLException;
    }

    /** Maps a SQL failure to the platform's two unchecked kinds: outage or defect. */
    public static RuntimeException translate(SQLException e) {
        if (isUnavailable(e)) {
            return new DatabaseUnavailableException("database unavailable: " + e.getMessage(), e);
        }
        return new DataAccessException("database error", e);
    }

    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return true; // HikariCP: no connection within connectionTimeout
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") // connection exception
                || state.equals("57014") // statement_timeout: the server is too busy for this now
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shutdown
                || state.equals("53300")); // too many connections
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
