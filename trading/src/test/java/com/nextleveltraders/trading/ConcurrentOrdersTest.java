package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Concurrent requests of one user never overspend and never duplicate an idempotent order. */
class ConcurrentOrdersTest {

    private final TestTrading trading = TestTrading.get();

    /** What one attempt ended in: its result, or the refusal's kind. */
    private record Outcome<T>(T value, TradingException.Kind refused) {
    }

    @Test
    void fiftyConcurrentBuysWithCashForTenFillExactlyTen() throws Exception {
        UUID trader = trading.newTrader();
        // Size each order at a tenth of the cash at today's ask, so that exactly ten fit.
        BigDecimal ask = trading.market.quoteAt("NVDA", trading.clock.instant()).orElseThrow().ask();
        BigDecimal quantity = new BigDecimal("10000").divide(ask, 8, RoundingMode.DOWN);
        List<Outcome<PlacedOrder>> outcomes = concurrently(50,
                () -> trading.market(trader, "NVDA", "BUY", quantity.toPlainString()));

        assertThat(outcomes.stream().filter(o -> o.value() != null)).hasSize(10);
        assertThat(outcomes.stream().filter(o -> o.refused() == TradingException.Kind.UNPROCESSABLE)).hasSize(40);
        try (Connection connection = trading.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT (SELECT count(*) FROM orders WHERE user_id = ?), (SELECT count(*) FROM trades WHERE user_id = ?), "
                                + "(SELECT cash FROM accounts WHERE user_id = ?)")) {
            select.setObject(1, trader);
            select.setObject(2, trader);
            select.setObject(3, trader);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(10);
                assertThat(rs.getLong(2)).isEqualTo(10);
                assertThat(rs.getBigDecimal(3)).isGreaterThanOrEqualTo(BigDecimal.ZERO);
            }
        }
    }

    @Test
    void concurrentRetriesOfOneClientOrderIdCreateExactlyOneOrder() throws Exception {
        UUID trader = trading.newTrader();
        NewOrder retried = new NewOrder("AMD", "BUY", "MARKET", BigDecimal.ONE, null, "retry-me");
        List<Outcome<PlacedOrder>> outcomes = concurrently(20, () -> trading.orders.place(trader, retried));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.value()).isNotNull());
        assertThat(outcomes.stream().map(o -> o.value().order().id()).distinct()).hasSize(1);
        assertThat(outcomes.stream().filter(o -> !o.value().replayed())).hasSize(1);
        assertThat(trading.tradesOf(trader)).hasSize(1);
    }

    @Test
    void thirtyConcurrentSellsOfTenHeldSharesSellExactlyTen() throws Exception {
        UUID trader = trading.newTrader();
        trading.market(trader, "INTC", "BUY", "10");
        List<Outcome<PlacedOrder>> outcomes = concurrently(30, () -> trading.market(trader, "INTC", "SELL", "1"));
        assertThat(outcomes.stream().filter(o -> o.value() != null)).hasSize(10);
        assertThat(outcomes.stream().filter(o -> o.refused() == TradingException.Kind.UNPROCESSABLE)).hasSize(20);
        assertThat(trading.portfolios.of(trader).positions()).isEmpty();
    }

    @Test
    void cancelRacingTheFillEngineEndsInExactlyOneOutcome() throws Exception {
        for (int round = 0; round < 5; round++) {
            UUID trader = trading.newTrader();
            // A limit far above the ask: the engine fills it on its next pass, unless the cancel wins.
            UUID id = trading.limit(trader, "PG", "BUY", "2", new BigDecimal("5000")).order().id();
            List<Outcome<Object>> outcomes = concurrently(2, List.<Callable<Object>>of(
                    () -> trading.orders.cancel(trader, id),
                    () -> trading.fillEngine.runOnce()));
            Outcome<Object> cancel = outcomes.getFirst();
            OrderStatus status = trading.orders.get(trader, id).status();
            int trades = trading.tradesOf(trader).size();
            if (status == OrderStatus.CANCELLED) {
                assertThat(cancel.value()).isNotNull();
                assertThat(trades).isZero();
            } else {
                assertThat(status).isEqualTo(OrderStatus.FILLED);
                assertThat(cancel.refused()).isEqualTo(TradingException.Kind.CONFLICT);
                assertThat(trades).isEqualTo(1);
            }
            assertThat(trading.portfolios.of(trader).reservedCash()).isEqualByComparingTo("0");
        }
    }

    private static <T> List<Outcome<T>> concurrently(int count, Callable<T> task) throws Exception {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(task);
        }
        return concurrently(count, tasks);
    }

    /** Runs the tasks at once, released together, and returns their outcomes in order. */
    private static <T> List<Outcome<T>> concurrently(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return new Outcome<>(task.call(), null);
                    } catch (TradingException refused) {
                        return new Outcome<T>(null, refused.kind());
                    }
                }));
            }
            start.countDown();
            List<Outcome<T>> results = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
