package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements sent to the server together, in one round trip (pgjdbc sends the parts of one
 * ';'-separated statement with a single Sync), and run there in order, each seeing what those
 * before it did. At most one of them returns rows. A bucket move uses it where every round trip
 * counts: while writes to the bucket are held, on servers busy with other work, a round trip costs
 * more than the statement it carries.
 */
final class RoundTrip {

    /** Reads one row of the query. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final List<String> statements = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();
    private int query = -1;

    /** Adds a statement that returns no rows. */
    RoundTrip then(String sql, Object... values) {
        statements.add(sql);
        parameters.addAll(List.of(values));
        return this;
    }

    /** Adds the statement whose rows {@link #run(Connection, Row)} returns. */
    RoundTrip query(String sql, Object... values) {
        if (query >= 0) {
            throw new IllegalStateException("one query per round trip");
        }
        query = statements.size();
        return then(sql, values);
    }

    boolean isEmpty() {
        return statements.isEmpty();
    }

    /** Runs the statements; returns the query's rows, or none when there is no query. */
    <T> List<T> run(Connection connection, Row<T> row) throws SQLException {
        if (statements.isEmpty()) {
            return List.of();
        }
        List<T> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(String.join(";\n", statements))) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            boolean rowsNext = statement.execute();
            // One result per statement, in order: rows or an update count.
            for (int i = 0; i < statements.size(); i++) {
                if (i == query) {
                    if (!rowsNext) {
                        throw new SQLException("the query of a round trip returned no rows: " + statements.get(i));
                    }
                    try (ResultSet rs = statement.getResultSet()) {
                        while (rs.next()) {
                            rows.add(row.read(rs));
                        }
                    }
                }
                rowsNext = statement.getMoreResults();
            }
        }
        return rows;
    }

    void run(Connection connection) throws SQLException {
        run(connection, rs -> null);
    }
}
