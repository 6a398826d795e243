package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The money moves of a fill, as SQL on a connection inside the caller's transaction.
 *
 * <p>Every change to a user's cash, positions or orders first locks the user's account row
 * ({@link #lockAccount}); only then the rows it changes. All writers of one user therefore run one
 * after another: they never deadlock, and two orders can never spend the same cash.
 */
final class Ledger {

    record Account(BigDecimal cash, BigDecimal reservedCash) {
        BigDecimal available() {
            return cash.subtract(reservedCash);
        }
    }

    record Position(BigDecimal quantity, BigDecimal reservedQuantity, BigDecimal costBasis) {
        BigDecimal available() {
            return quantity.subtract(reservedQuantity);
        }
    }

    private Ledger() {
    }

    static Account lockAccount(Connection connection, UUID userId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT cash, reserved_cash FROM accounts WHERE user_id = ? FOR UPDATE")) {
            select.setObject(1, userId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw TradingException.notFound("account");
                }
                return new Account(rs.getBigDecimal(1), rs.getBigDecimal(2));
            }
        }
    }

    static Optional<Position> lockPosition(Connection connection, UUID userId, String symbol) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT quantity, reserved_quantity, cost_basis FROM positions WHERE user_id = ? AND symbol = ? FOR UPDATE")) {
            select.setObject(1, userId);
            select.setString(2, symbol);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Position(rs.getBigDecimal(1), rs.getBigDecimal(2), rs.getBigDecimal(3)))
                        : Optional.empty();
            }
        }
    }

    /** Debits {@code cost}, releases {@code releasedReserve} and adds the shares at that cost. */
    static void buy(Connection connection, UUID userId, int bucket, String symbol, BigDecimal quantity,
            BigDecimal cost, BigDecimal releasedReserve) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE accounts SET cash = cash - ?, reserved_cash = reserved_cash - ? WHERE user_id = ?")) {
            update.setBigDecimal(1, cost);
            update.setBigDecimal(2, releasedReserve);
            update.setObject(3, userId);
            expectOne(update.executeUpdate(), "account of " + userId);
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO positions (user_id, bucket, symbol, quantity, cost_basis) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = positions.quantity + EXCLUDED.quantity, "
                        + "cost_basis = positions.cost_basis + EXCLUDED.cost_basis")) {
            upsert.setObject(1, userId);
            upsert.setInt(2, bucket);
            upsert.setString(3, symbol);
            upsert.setBigDecimal(4, quantity);
            upsert.setBigDecimal(5, cost);
            upsert.executeUpdate();
        }
    }

    /**
     * Removes the shares from {@code position} at their average cost, credits {@code proceeds} and
     * books the difference as realised P&L. {@code releasedQuantity} is the part of the position an
     * open SELL limit had reserved (zero for a market order).
     */
    static void sell(Connection connection, UUID userId, String symbol, Position position, BigDecimal quantity,
            BigDecimal proceeds, BigDecimal releasedQuantity) throws SQLException {
        BigDecimal remaining = position.quantity().subtract(quantity);
        BigDecimal costOfSold = remaining.signum() == 0
                ? position.costBasis()
                : position.costBasis().multiply(quantity)
                        .divide(position.quantity(), Money.CASH_SCALE, RoundingMode.HALF_EVEN);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE accounts SET cash = cash + ?, realized_pnl = realized_pnl + ? WHERE user_id = ?")) {
            update.setBigDecimal(1, proceeds);
            update.setBigDecimal(2, proceeds.subtract(costOfSold));
            update.setObject(3, userId);
            expectOne(update.executeUpdate(), "account of " + userId);
        }
        BigDecimal remainingReserved = position.reservedQuantity().subtract(releasedQuantity);
        if (remaining.signum() == 0 && remainingReserved.signum() == 0) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM positions WHERE user_id = ? AND symbol = ?")) {
                delete.setObject(1, userId);
                delete.setString(2, symbol);
                expectOne(delete.executeUpdate(), "position " + symbol + " of " + userId);
            }
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE positions SET quantity = ?, reserved_quantity = ?, cost_basis = cost_basis - ? "
                        + "WHERE user_id = ? AND symbol = ?")) {
            update.setBigDecimal(1, remaining);
            update.setBigDecimal(2, remainingReserved);
            update.setBigDecimal(3, costOfSold);
            update.setObject(4, userId);
            update.setString(5, symbol);
            expectOne(update.executeUpdate(), "position " + symbol + " of " + userId);
        }
    }

    static void reserveCash(Connection connection, UUID userId, BigDecimal amount) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE accounts SET reserved_cash = reserved_cash + ? WHERE user_id = ?")) {
            update.setBigDecimal(1, amount);
            update.setObject(2, userId);
            expectOne(update.executeUpdate(), "account of " + userId);
        }
    }

    static void reserveQuantity(Connection connection, UUID userId, String symbol, BigDecimal quantity)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE positions SET reserved_quantity = reserved_quantity + ? WHERE user_id = ? AND symbol = ?")) {
            update.setBigDecimal(1, quantity);
            update.setObject(2, userId);
            update.setString(3, symbol);
            expectOne(update.executeUpdate(), "position " + symbol + " of " + userId);
        }
    }

    /** A broken invariant (a locked row that vanished), not a user error: fail the transaction. */
    static void expectOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException("expected to change exactly one row of " + what + ", changed " + rows);
        }
    }

    static void insertTrade(Connection connection, UUID tradeId, UUID userId, int bucket, UUID orderId, String symbol,
            Side side, BigDecimal quantity, BigDecimal price, BigDecimal notional, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO trades (id, user_id, bucket, order_id, symbol, side, quantity, price, notional, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, tradeId);
            insert.setObject(2, userId);
            insert.setInt(3, bucket);
            insert.setObject(4, orderId);
            insert.setString(5, symbol);
            insert.setString(6, side.name());
            insert.setBigDecimal(7, quantity);
            insert.setBigDecimal(8, price);
            insert.setBigDecimal(9, notional);
            insert.setTimestamp(10, Timestamp.from(at));
            insert.executeUpdate();
        }
    }
}
