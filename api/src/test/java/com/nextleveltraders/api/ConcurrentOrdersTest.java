package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Concurrent requests of one user never overspend and never duplicate an idempotent order. */
class ConcurrentOrdersTest {

    static TestPlatform platform;
    static ApiClient api;

    @BeforeAll
    static void start() {
        platform = TestPlatform.get();
        api = platform.client;
    }

    @Test
    void fiftyConcurrentBuysWithCashForTenFillExactlyTen() throws Exception {
        Trader trader = api.newTrader();
        // Size each order at a tenth of the cash at today's ask, so that exactly ten fit.
        BigDecimal ask = new BigDecimal(api.get("/api/quotes/NVDA", null).json().get("ask").asText());
        BigDecimal quantity = new BigDecimal("10000").divide(ask, 8, RoundingMode.DOWN);
        String body = "{\"symbol\":\"NVDA\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"" + quantity.toPlainString() + "\"}";
        List<Response> responses = concurrently(50, () -> api.order(trader, body));

        long filled = responses.stream().filter(r -> r.status() == 201).count();
        long refused = responses.stream().filter(r -> r.status() == 422).count();
        assertThat(filled).isEqualTo(10);
        assertThat(refused).isEqualTo(40);
        try (Connection connection = platform.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT (SELECT count(*) FROM orders WHERE user_id = ?), (SELECT count(*) FROM trades WHERE user_id = ?), "
                                + "(SELECT cash FROM accounts WHERE user_id = ?)")) {
            select.setObject(1, trader.id());
            select.setObject(2, trader.id());
            select.setObject(3, trader.id());
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
        Trader trader = api.newTrader();
        String body = "{\"symbol\":\"AMD\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"clientOrderId\":\"retry-me\"}";
        List<Response> responses = concurrently(20, () -> api.order(trader, body));
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(201));
        assertThat(responses.stream().map(r -> r.json().get("id").asText()).distinct()).hasSize(1);
        assertThat(responses.stream().filter(r -> r.header("idempotent-replayed") == null)).hasSize(1);
        assertThat(api.get("/api/trades", trader.token()).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void thirtyConcurrentSellsOfTenHeldSharesSellExactlyTen() throws Exception {
        Trader trader = api.newTrader();
        assertThat(api.order(trader, "{\"symbol\":\"INTC\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"10\"}")
                .status()).isEqualTo(201);
        String sell = "{\"symbol\":\"INTC\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"1\"}";
        List<Response> responses = concurrently(30, () -> api.order(trader, sell));
        assertThat(responses.stream().filter(r -> r.status() == 201)).hasSize(10);
        assertThat(responses.stream().filter(r -> r.status() == 422)).hasSize(20);
        assertThat(api.get("/api/portfolio", trader.token()).json().get("positions").size()).isZero();
    }

    @Test
    void cancelRacingTheFillEngineEndsInExactlyOneOutcome() throws Exception {
        for (int round = 0; round < 5; round++) {
            Trader trader = api.newTrader();
            // A limit far above the ask: the engine fills it on its next pass, unless the cancel wins.
            String id = api.order(trader, "{\"symbol\":\"PG\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"2\","
                    + "\"limitPrice\":\"5000\"}").json().get("id").asText();
            List<Object> outcomes = concurrently(2, List.<Callable<Object>>of(
                    () -> api.delete("/api/orders/" + id, trader.token()).status(),
                    () -> platform.api.fillEngine().runOnce()));
            String status = api.get("/api/orders/" + id, trader.token()).json().get("status").asText();
            int cancelStatus = (Integer) outcomes.getFirst();
            long trades = api.get("/api/trades", trader.token()).json().get("items").size();
            if (status.equals("CANCELLED")) {
                assertThat(cancelStatus).isEqualTo(200);
                assertThat(trades).isZero();
            } else {
                assertThat(status).isEqualTo("FILLED");
                assertThat(cancelStatus).isEqualTo(409);
                assertThat(trades).isEqualTo(1);
            }
            assertThat(new BigDecimal(api.get("/api/portfolio", trader.token()).json().get("reservedCash").asText()))
                    .isEqualByComparingTo("0");
        }
    }

    private static <T> List<T> concurrently(int count, Callable<T> task) throws Exception {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(task);
        }
        return concurrently(count, tasks);
    }

    /** Runs the tasks at once, released together, and returns their results in order. */
    private static <T> List<T> concurrently(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
