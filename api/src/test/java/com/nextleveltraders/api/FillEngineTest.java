package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.trading.MarketSimulator;
import com.nextleveltraders.trading.Quote;
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

    @Test
    void buyLimitFillsAtTheAskOnceTheAskFallsToTheLimit() {
        TestPlatform platform = TestPlatform.get();
        ApiClient api = platform.client;
        Instant now = platform.clock.instant();
        Quote current = market(platform).quoteAt("TSLA", now).orElseThrow();
        // A future tick whose ask is below today's bid: a limit between them does not cross now
        // and does cross then. Quotes are a pure function of time, so this is exact.
        Quote future = firstQuoteAfter(platform, "TSLA", now, q -> q.ask().compareTo(current.bid()) < 0);
        Instant later = future.at();
        BigDecimal limit = current.bid().subtract(new BigDecimal("0.01"));
        assertThat(limit).isGreaterThanOrEqualTo(future.ask());

        Trader trader = api.newTrader();
        JsonNode order = api.order(trader, "{\"symbol\":\"TSLA\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"3\","
                + "\"limitPrice\":\"" + limit.toPlainString() + "\"}").json();
        String id = order.get("id").asText();
        assertThat(order.get("status").asText()).isEqualTo("OPEN");

        platform.api.fillEngine().runOnce();
        assertThat(api.get("/api/orders/" + id, trader.token()).json().get("status").asText()).isEqualTo("OPEN");

        platform.clock.set(later);
        try {
            assertThat(platform.api.fillEngine().runOnce()).isGreaterThanOrEqualTo(1);
        } finally {
            platform.clock.set(now);
        }
        JsonNode filled = api.get("/api/orders/" + id, trader.token()).json();
        assertThat(filled.get("status").asText()).isEqualTo("FILLED");
        assertThat(new BigDecimal(filled.get("filledAvgPrice").asText())).isEqualByComparingTo(future.ask());
        assertThat(new BigDecimal(filled.get("filledAvgPrice").asText())).isLessThanOrEqualTo(limit);
        JsonNode portfolio = api.get("/api/portfolio", trader.token()).json();
        assertThat(new BigDecimal(portfolio.get("reservedCash").asText())).isEqualByComparingTo("0");
        assertThat(new BigDecimal(portfolio.get("cash").asText()))
                .isEqualByComparingTo(new BigDecimal("100000").subtract(future.ask().multiply(new BigDecimal("3"))));
        assertThat(api.get("/api/trades", trader.token()).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void sellLimitFillsAtTheBidOnceTheBidRisesToTheLimitAndReleasesTheShares() {
        TestPlatform platform = TestPlatform.get();
        ApiClient api = platform.client;
        Instant now = platform.clock.instant();
        Quote current = market(platform).quoteAt("NFLX", now).orElseThrow();
        Quote future = firstQuoteAfter(platform, "NFLX", now, q -> q.bid().compareTo(current.ask()) > 0);
        Instant later = future.at();
        BigDecimal limit = current.ask().add(new BigDecimal("0.01"));

        Trader trader = api.newTrader();
        assertThat(api.order(trader, "{\"symbol\":\"NFLX\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"5\"}")
                .status()).isEqualTo(201);
        String id = api.order(trader, "{\"symbol\":\"NFLX\",\"side\":\"SELL\",\"type\":\"LIMIT\",\"quantity\":\"5\","
                + "\"limitPrice\":\"" + limit.toPlainString() + "\"}").json().get("id").asText();
        JsonNode held = api.get("/api/portfolio", trader.token()).json().get("positions").get(0);
        assertThat(new BigDecimal(held.get("reservedQuantity").asText())).isEqualByComparingTo("5");
        // The shares are promised to the open SELL: selling them again is refused.
        assertThat(api.order(trader, "{\"symbol\":\"NFLX\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"1\"}")
                .status()).isEqualTo(422);

        platform.clock.set(later);
        try {
            platform.api.fillEngine().runOnce();
        } finally {
            platform.clock.set(now);
        }
        JsonNode filled = api.get("/api/orders/" + id, trader.token()).json();
        assertThat(filled.get("status").asText()).isEqualTo("FILLED");
        assertThat(new BigDecimal(filled.get("filledAvgPrice").asText())).isEqualByComparingTo(future.bid());
        JsonNode portfolio = api.get("/api/portfolio", trader.token()).json();
        assertThat(portfolio.get("positions").size()).isZero();
        BigDecimal expectedCash = new BigDecimal("100000").subtract(current.ask().multiply(new BigDecimal("5")))
                .add(future.bid().multiply(new BigDecimal("5")));
        assertThat(new BigDecimal(portfolio.get("cash").asText())).isEqualByComparingTo(expectedCash);
        assertThat(new BigDecimal(portfolio.get("realizedPnl").asText()))
                .isEqualByComparingTo(future.bid().subtract(current.ask()).multiply(new BigDecimal("5")));
    }

    @Test
    void anOrderThatCannotFillDoesNotStopTheOrdersBehindIt() throws Exception {
        TestPlatform platform = TestPlatform.get();
        ApiClient api = platform.client;
        Trader broken = api.newTrader();
        Trader fine = api.newTrader();
        // A SELL limit without the position it needs (a broken invariant), older than everything.
        UUID brokenOrder = UUID.randomUUID();
        try (Connection connection = platform.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, user_id, bucket, request_hash, symbol, side, type, quantity, limit_price, "
                                + "status, created_at) VALUES (?, ?, 0, '\\x00', 'AAPL', 'SELL', 'LIMIT', 1, 0.01, 'OPEN', "
                                + "now() - interval '1 day')")) {
            insert.setObject(1, brokenOrder);
            insert.setObject(2, broken.id());
            insert.executeUpdate();
        }
        try {
            String good = api.order(fine, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\","
                    + "\"limitPrice\":\"5000\"}").json().get("id").asText();
            assertThat(platform.api.fillEngine().runOnce()).isGreaterThanOrEqualTo(1);
            assertThat(api.get("/api/orders/" + good, fine.token()).json().get("status").asText()).isEqualTo("FILLED");
            assertThat(api.get("/api/orders/" + brokenOrder, broken.token()).json().get("status").asText()).isEqualTo("OPEN");
        } finally {
            try (Connection connection = platform.dataSource().getConnection();
                    PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setObject(1, brokenOrder);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void onlyOneEngineRunsAtATime() throws Exception {
        TestPlatform platform = TestPlatform.get();
        try (var connection = platform.dataSource().getConnection();
                var lock = connection.prepareStatement("SELECT pg_advisory_lock(?)");
                var unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            lock.setLong(1, com.nextleveltraders.trading.FillEngine.LOCK_KEY);
            lock.execute();
            assertThat(platform.api.fillEngine().runOnce()).isEqualTo(-1);
            unlock.setLong(1, com.nextleveltraders.trading.FillEngine.LOCK_KEY);
            unlock.execute();
        }
        assertThat(platform.api.fillEngine().runOnce()).isGreaterThanOrEqualTo(0);
    }

    private static MarketSimulator market(TestPlatform platform) {
        return new MarketSimulator(platform.config.platform().market(), platform.clock);
    }

    /** The first quote after {@code from} (within a day of ticks) that satisfies {@code wanted}. */
    private static Quote firstQuoteAfter(TestPlatform platform, String symbol, Instant from, Predicate<Quote> wanted) {
        MarketSimulator market = market(platform);
        for (int tick = 1; tick <= 86_400; tick++) {
            Quote quote = market.quoteAt(symbol, from.plus(Duration.ofSeconds(tick))).orElseThrow();
            if (wanted.test(quote)) {
                return quote;
            }
        }
        throw new AssertionError("no quote of " + symbol + " within a day satisfies the condition");
    }
}
