package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The strategy's two indexes exist as configured and the queries that need them use them: the
 * trade history through trades(user_id, created_at), the fill engine through orders(status, created_at).
 */
class SeedIndexesTest {

    @Test
    void configuredIndexesExistAndTheirQueriesUseThem() throws Exception {
        TestTrading trading = TestTrading.get();
        UUID someone = trading.newTrader();
        try (Connection connection = trading.dataSource().getConnection()) {
            for (var index : trading.config.query().indexes()) {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT indexdef FROM pg_indexes WHERE tablename = ? AND indexdef LIKE ?")) {
                    select.setString(1, index.table());
                    select.setString(2, "%USING " + index.type() + " (" + String.join(", ", index.columns()) + ")");
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).as(index.toString()).isTrue();
                    }
                }
            }
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // Enough rows over many users that a sequential scan is the worse plan; rolled back.
                statement.execute("INSERT INTO users (id, bucket, email, display_name, password_hash, created_at) "
                        + "SELECT gen_random_uuid(), 0, 'bulk' || g || '@example.com', 'b', 'x', now() FROM generate_series(1, 2000) g");
                statement.execute("INSERT INTO accounts (user_id, bucket, currency, cash) SELECT id, 0, 'USD', 0 FROM users WHERE email LIKE 'bulk%@example.com'");
                statement.execute("INSERT INTO orders (id, user_id, bucket, request_hash, symbol, side, type, quantity, status, "
                        + "created_at, filled_at, filled_quantity, filled_avg_price) "
                        + "SELECT gen_random_uuid(), a.user_id, 0, '\\x00', 'AAPL', 'BUY', 'MARKET', 1, 'FILLED', "
                        + "now() - g * interval '1 minute', now(), 1, 100 FROM accounts a JOIN users u ON u.id = a.user_id "
                        + "CROSS JOIN generate_series(1, 20) g WHERE u.email LIKE 'bulk%@example.com'");
                statement.execute("INSERT INTO trades (id, user_id, bucket, order_id, symbol, side, quantity, price, notional, created_at) "
                        + "SELECT gen_random_uuid(), user_id, 0, id, symbol, side, 1, 100, 100, created_at FROM orders WHERE request_hash = '\\x00'");
                statement.execute("ANALYZE users, accounts, orders, trades");
            }
            String trades = explain(connection, "EXPLAIN SELECT id FROM trades WHERE user_id = '" + someone
                    + "' ORDER BY created_at DESC, id DESC LIMIT 21");
            assertThat(trades).contains("trades_user_id_created_at_idx");
            String open = explain(connection,
                    "EXPLAIN SELECT id FROM orders WHERE status = 'OPEN' ORDER BY created_at, id LIMIT 500");
            assertThat(open).contains("orders_status_created_at_idx");
            connection.rollback();
        }
    }

    private static String explain(Connection connection, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
