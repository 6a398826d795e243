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
 * before it did and each in a snapshot of its own under READ COMMITTED. Used where every round
 * trip counts: by a bucket move while writes to the bucket are held (on servers busy with other
 * work a round trip costs more than the statement it carries), and by every write's fence.
 */
public final class RoundTrip {

    /** Takes one row of a statement's result. */
    @FunctionalInterface
    public interface Rows {
        void row(ResultSet rs) throws SQLException;
    }

    private record Part(String sql, Rows rows) {
    }

    private final List<Part> parts = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    /** Adds a statement whose result, if any, is not read. */
    public RoundTrip then(String sql, Object... values) {
        return query(sql, null, values);
    }

    /** Adds a statement that returns rows, each given to {@code rows}. */
    public RoundTrip query(String sql, Rows rows, Object... values) {
        parts.add(new Part(sql, rows));
        parameters.addAll(List.of(values));
        return this;
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    /** Runs the statements, handing each one's rows over as it comes. */
    public void run(Connection connection) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                String.join(";\n", parts.stream().map(Part::sql).toList()))) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            boolean rowsNext = statement.execute();
            // One result per statement, in order: rows or an update count.
            for (Part part : parts) {
                if (part.rows() != null) {
                    if (!rowsNext) {
                        throw new SQLException("no rows from a statement that returns rows: " + part.sql());
                    }
                    try (ResultSet rs = statement.getResultSet()) {
                        while (rs.next()) {
                            part.rows().row(rs);
                        }
                    }
                }
                rowsNext = statement.getMoreResults();
            }
        }
    }
}
