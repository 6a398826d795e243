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

    private static <T> List<T> concurrently(int count, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
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
