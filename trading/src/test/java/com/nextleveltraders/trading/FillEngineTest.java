package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** A limit order stays open until the simulated quote crosses its limit, then the engine fills it. */
class FillEngineTest {

    private final TestTrading trading = TestTrading.get();

    @Test
    void buyLimitFillsAtTheAskOnceTheAskFallsToTheLimit() {
        Instant now = trading.clock.instant();
        Quote current = trading.market.quoteAt("TSLA", now).orElseThrow();
        // A future tick whose ask is below today's bid: a limit between them does not cross now
        // and does cross then. Quotes are a pure function of time, so this is exact.
        Quote future = firstQuoteAfter("TSLA", now, q -> q.ask().compareTo(current.bid()) < 0);
        BigDecimal limit = current.bid().subtract(new BigDecimal("0.01"));
        assertThat(limit).isGreaterThanOrEqualTo(future.ask());

        UUID trader = trading.newTrader();
        Order order = trading.limit(trader, "TSLA", "BUY", "3", limit).order();
        assertThat(order.status()).isEqualTo(OrderStatus.OPEN);

        trading.fillEngine.runOnce();
        assertThat(trading.orders.get(trader, order.id()).status()).isEqualTo(OrderStatus.OPEN);

        trading.clock.set(future.at());
        try {
            assertThat(trading.fillEngine.runOnce()).isGreaterThanOrEqualTo(1);
        } finally {
            trading.clock.set(now);
        }
        Order filled = trading.orders.get(trader, order.id());
        assertThat(filled.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(filled.filledAvgPrice()).isEqualByComparingTo(future.ask());
        assertThat(filled.filledAvgPrice()).isLessThanOrEqualTo(limit);
        Portfolio portfolio = trading.portfolios.of(trader);
        assertThat(portfolio.reservedCash()).isEqualByComparingTo("0");
        assertThat(portfolio.cash())
                .isEqualByComparingTo(new BigDecimal("100000").subtract(future.ask().multiply(new BigDecimal("3"))));
        assertThat(trading.tradesOf(trader)).hasSize(1);
    }

    @Test
    void sellLimitFillsAtTheBidOnceTheBidRisesToTheLimitAndReleasesTheShares() {
        Instant now = trading.clock.instant();
        Quote current = trading.market.quoteAt("NFLX", now).orElseThrow();
        Quote future = firstQuoteAfter("NFLX", now, q -> q.bid().compareTo(current.ask()) > 0);
        BigDecimal limit = current.ask().add(new BigDecimal("0.01"));

        UUID trader = trading.newTrader();
        trading.market(trader, "NFLX", "BUY", "5");
        UUID id = trading.limit(trader, "NFLX", "SELL", "5", limit).order().id();
        Portfolio.Holding held = trading.portfolios.of(trader).positions().getFirst();
        assertThat(held.reservedQuantity()).isEqualByComparingTo("5");
        // The shares are promised to the open SELL: selling them again is refused.
        assertThatThrownBy(() -> trading.market(trader, "NFLX", "SELL", "1"))
                .isInstanceOfSatisfying(TradingException.class,
                        e -> assertThat(e.kind()).isEqualTo(TradingException.Kind.UNPROCESSABLE));

        trading.clock.set(future.at());
        try {
            trading.fillEngine.runOnce();
        } finally {
            trading.clock.set(now);
        }
        Order filled = trading.orders.get(trader, id);
        assertThat(filled.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(filled.filledAvgPrice()).isEqualByComparingTo(future.bid());
        Portfolio portfolio = trading.portfolios.of(trader);
        assertThat(portfolio.positions()).isEmpty();
        BigDecimal expectedCash = new BigDecimal("100000").subtract(current.ask().multiply(new BigDecimal("5")))
                .add(future.bid().multiply(new BigDecimal("5")));
        assertThat(portfolio.cash()).isEqualByComparingTo(expectedCash);
        assertThat(portfolio.realizedPnl())
                .isEqualByComparingTo(future.bid().subtract(current.ask()).multiply(new BigDecimal("5")));
    }

    @Test
    void anOrderThatCannotFillDoesNotStopTheOrdersBehindIt() throws Exception {
        UUID broken = trading.newTrader();
        UUID fine = trading.newTrader();
        // A SELL limit without the position it needs (a broken invariant), older than everything.
        UUID brokenOrder = UUID.randomUUID();
        try (Connection connection = trading.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, user_id, bucket, request_hash, symbol, side, type, quantity, limit_price, "
                                + "status, created_at) VALUES (?, ?, 0, '\\x00', 'AAPL', 'SELL', 'LIMIT', 1, 0.01, 'OPEN', "
                                + "now() - interval '1 day')")) {
            insert.setObject(1, brokenOrder);
            insert.setObject(2, broken);
            insert.executeUpdate();
        }
        try {
            UUID good = trading.limit(fine, "AAPL", "BUY", "1", new BigDecimal("5000")).order().id();
            assertThat(trading.fillEngine.runOnce()).isGreaterThanOrEqualTo(1);
            assertThat(trading.orders.get(fine, good).status()).isEqualTo(OrderStatus.FILLED);
            assertThat(trading.orders.get(broken, brokenOrder).status()).isEqualTo(OrderStatus.OPEN);
        } finally {
            try (Connection connection = trading.dataSource().getConnection();
                    PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setObject(1, brokenOrder);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void onlyOneEngineRunsAtATime() throws Exception {
        try (Connection connection = trading.dataSource().getConnection();
                PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)");
                PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            lock.setLong(1, FillEngine.LOCK_KEY);
            lock.execute();
            assertThat(trading.fillEngine.runOnce()).isEqualTo(-1);
            unlock.setLong(1, FillEngine.LOCK_KEY);
            unlock.execute();
        }
        assertThat(trading.fillEngine.runOnce()).isGreaterThanOrEqualTo(0);
    }

    /** The first quote after {@code from} (within a day of ticks) that satisfies {@code wanted}. */
    private Quote firstQuoteAfter(String symbol, Instant from, Predicate<Quote> wanted) {
        for (int tick = 1; tick <= 86_400; tick++) {
            Quote quote = trading.market.quoteAt(symbol, from.plus(Duration.ofSeconds(tick))).orElseThrow();
            if (wanted.test(quote)) {
                return quote;
            }
        }
        throw new AssertionError("no quote of " + symbol + " within a day satisfies the condition");
    }
}
