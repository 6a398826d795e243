package com.nextleveltraders.trading;

import com.nextleveltraders.config.Engine;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Ownership;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.ShardRouter;
import com.nextleveltraders.data.StaleDirectoryException;
import com.nextleveltraders.data.Transactions;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills open limit orders whose limit the quote has crossed: a BUY when the ask is at or below its
 * limit (at the ask), a SELL when the bid is at or above it (at the bid) — the limit or better.
 *
 * <p>Every API instance runs one, but per shard only one pass runs at a time: a pass holds a
 * PostgreSQL advisory lock, and an instance that cannot take it skips the pass. Open orders are
 * found oldest first through the strategy's index {@code orders(status, created_at)}.
 */
public final class FillEngine {

    private static final Logger LOG = LoggerFactory.getLogger(FillEngine.class);
    /** Advisory lock key of the fill engine: "nlt-fill" in ASCII. */
    public static final long LOCK_KEY = 0x6e6c742d66696c6cL;

    private final ShardRouter router;
    private final Database database;
    private final MarketSimulator market;
    private final Ids ids;
    private final Clock clock;
    private final int batchSize;
    private final PortfolioCache portfolios;

    public FillEngine(Database database, MarketSimulator market, Engine engine, Clock clock, PortfolioCache portfolios) {
        this.database = database;
        ShardRouter router = database.router();
        this.portfolios = portfolios;
        this.router = router;
        this.market = market;
        this.ids = new Ids(clock);
        this.clock = clock;
        this.batchSize = engine.batchSize();
    }

    /**
     * One pass over every shard. Returns how many orders it filled, or -1 when another engine held
     * every shard's lock (so this pass did nothing).
     */
    public int runOnce() {
        int filled = 0;
        int skipped = 0;
        List<Shard> shards = router.shards();
        for (Shard shard : shards) {
            int result;
            try {
                result = runOnce(shard);
            } catch (RuntimeException e) {
                // One shard down must not stop the fills on the others.
                LOG.warn("fill pass on shard {} failed: {}", shard.id(), e.getMessage());
                continue;
            }
            if (result < 0) {
                skipped++;
            } else {
                filled += result;
            }
        }
        return skipped == shards.size() ? -1 : filled;
    }

    /**
     * The lock is transaction-scoped and held by a transaction that stays open for the pass: it
     * goes away with the transaction however the pass ends, so a pooled connection can never keep
     * it. (Fills run in their own transactions on other connections.)
     */
    int runOnce(Shard shard) {
        try (Connection lockHolder = shard.primary().getConnection()) {
            lockHolder.setAutoCommit(false);
            try {
                if (!tryLock(lockHolder)) {
                    return -1;
                }
                return fillCrossed(shard);
            } finally {
                lockHolder.rollback();
            }
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
    }

    private record OpenOrder(UUID id, UUID userId, int bucket, String symbol, Side side, BigDecimal quantity,
            BigDecimal limitPrice, Timestamp createdAt) {
    }

    private int fillCrossed(Shard shard) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int filled = 0;
        Timestamp afterCreated = null;
        UUID afterId = null;
        while (true) {
            List<OpenOrder> batch = openOrders(shard, now, afterCreated, afterId);
            for (OpenOrder order : batch) {
                Quote quote = market.quoteAt(order.symbol(), now).orElse(null);
                if (quote == null || !crosses(order, quote)) {
                    continue;
                }
                try {
                    if (fill(shard, order, quote, now)) {
                        // Where the fill is in the WAL first, the cache generation after: a reader
                        // who sees the new generation also waits for a replica that has the fill.
                        database.recordWrite(order.userId(), shard);
                        portfolios.invalidate(order.userId());
                        filled++;
                    }
                } catch (RuntimeException e) {
                    // One order that cannot fill must not stop every order behind it, pass after pass.
                    LOG.error("cannot fill order {}: {}", order.id(), e.getMessage(), e);
                }
            }
            if (batch.size() < batchSize) {
                return filled;
            }
            afterCreated = batch.getLast().createdAt();
            afterId = batch.getLast().id();
        }
    }

    private static boolean crosses(OpenOrder order, Quote quote) {
        return order.side() == Side.BUY
                ? quote.ask().compareTo(order.limitPrice()) <= 0
                : quote.bid().compareTo(order.limitPrice()) >= 0;
    }

    /** Open orders placed up to {@code now}, oldest first: orders placed during the pass wait for the next. */
    private List<OpenOrder> openOrders(Shard shard, Instant now, Timestamp afterCreated, UUID afterId) {
        String sql = "SELECT id, user_id, bucket, symbol, side, quantity, limit_price, created_at FROM orders "
                + "WHERE status = 'OPEN' AND created_at <= ?"
                + (afterCreated == null ? "" : " AND (created_at, id) > (?, ?)")
                + " ORDER BY created_at, id LIMIT ?";
        return database.readOn("find_open_orders", shard.primary(), connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int i = 1;
                select.setTimestamp(i++, Timestamp.from(now));
                if (afterCreated != null) {
                    select.setTimestamp(i++, afterCreated);
                    select.setObject(i++, afterId);
                }
                select.setInt(i, batchSize);
                List<OpenOrder> orders = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        orders.add(new OpenOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3),
                                rs.getString(4), Side.valueOf(rs.getString(5)), rs.getBigDecimal(6), rs.getBigDecimal(7),
                                rs.getTimestamp(8)));
                    }
                }
                return orders;
            }
        });
    }

    /** Fills one order in its own transaction; false when it was no longer open (cancelled meanwhile). */
    private boolean fill(Shard shard, OpenOrder order, Quote quote, Instant now) {
        return database.inTransaction("fill", shard.primary(), connection -> {
            // A bucket that moved away leaves its rows here until they are cleaned up: never fill those.
            try {
                Ownership.check(connection, order.bucket(), shard.id());
            } catch (StaleDirectoryException movedAway) {
                return false;
            }
            Ledger.lockAccount(connection, order.userId());
            BigDecimal reservedCash;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT status, reserved_cash FROM orders WHERE id = ? FOR UPDATE")) {
                select.setObject(1, order.id());
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next() || !rs.getString(1).equals(OrderStatus.OPEN.name())) {
                        return false;
                    }
                    reservedCash = rs.getBigDecimal(2);
                }
            }
            BigDecimal price;
            BigDecimal notional;
            if (order.side() == Side.BUY) {
                price = quote.ask();
                notional = Money.cost(order.quantity(), price);
                Ledger.buy(connection, order.userId(), order.bucket(), order.symbol(), order.quantity(), notional, reservedCash);
            } else {
                price = quote.bid();
                notional = Money.proceeds(order.quantity(), price);
                Ledger.Position position = Ledger.lockPosition(connection, order.userId(), order.symbol()).orElseThrow(
                        () -> new IllegalStateException("open SELL order " + order.id() + " without its position"));
                Ledger.sell(connection, order.userId(), order.symbol(), position, order.quantity(), notional, order.quantity());
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE orders SET status = 'FILLED', filled_quantity = quantity, filled_avg_price = ?, "
                            + "filled_at = ?, reserved_cash = 0 WHERE id = ?")) {
                update.setBigDecimal(1, price);
                update.setTimestamp(2, Timestamp.from(now));
                update.setObject(3, order.id());
                Ledger.expectOne(update.executeUpdate(), "order " + order.id());
            }
            Ledger.insertTrade(connection, ids.next(), order.userId(), order.bucket(), order.id(), order.symbol(),
                    order.side(), order.quantity(), price, notional, now);
            LOG.debug("filled order {} at {}", order.id(), price);
            return true;
        });
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
