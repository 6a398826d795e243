package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Rows the data tests write and count: a user with orders, trades and positions; one order; a count. */
public final class TestRows {

    private TestRows() {
    }

    /** The user's account, {@code orders} orders each with a trade, and two positions; returns {@code user}. */
    public static UUID seedUser(Database database, UUID user, int orders) {
        int bucket = database.router().bucketOf(user);
        database.write("test_write", user, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', 100)")) {
                insert.setObject(1, user);
                insert.setInt(2, bucket);
                insert.executeUpdate();
            }
            for (int i = 0; i < orders; i++) {
                UUID order = UUID.randomUUID();
                insertOrder(connection, user, bucket, order);
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO trades (id, user_id, bucket, order_id, symbol, side, quantity, price, notional, created_at)
                        VALUES (?, ?, ?, ?, 'AAPL', 'BUY', 1, 10.5, 10.5, ?)""")) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, user);
                    insert.setInt(3, bucket);
                    insert.setObject(4, order);
                    insert.setTimestamp(5, Timestamp.from(Instant.now()));
                    insert.executeUpdate();
                }
            }
            for (String symbol : List.of("AAPL", "MSFT")) {
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO positions (user_id, bucket, symbol, quantity, cost_basis) VALUES (?, ?, ?, 2, 21)""")) {
                    insert.setObject(1, user);
                    insert.setInt(2, bucket);
                    insert.setString(3, symbol);
                    insert.executeUpdate();
                }
            }
            return null;
        });
        return user;
    }

    public static int insertOrder(Connection connection, UUID user, int bucket, UUID order) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO orders (id, user_id, bucket, request_hash, symbol, side, type, quantity, status, created_at)
                VALUES (?, ?, ?, '\\x00ff', 'AAPL', 'BUY', 'MARKET', 1, 'OPEN', ?)""")) {
            insert.setObject(1, order);
            insert.setObject(2, user);
            insert.setInt(3, bucket);
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            return insert.executeUpdate();
        }
    }

    /** The first column of the first row of {@code sql}, as a long. */
    public static long count(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
