package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.trading.Market;
import com.nextleveltraders.trading.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A limit order stays open until the simulated quote crosses its limit, then the engine fills it. */
class FillEngineTest {

    @Test
    void buyLimitFillsAtTheAskOnceTheAskFallsToTheLimit() {
        TestPlatform platform = TestPlatform.get();
        ApiClient api = platform.client;
        Market market = new Market(platform.config, platform.clock);
        Instant now = platform.clock.instant();
        Quote current = market.quoteAt("TSLA", now).orElseThrow();
        // Find a future tick whose ask is below today's bid: a limit between them does not cross
        // now and does cross then. Quotes are a pure function of time, so this is exact.
        Instant later = now;
        Quote future = current;
        for (int tick = 1; tick < 100_000 && future.ask().compareTo(current.bid()) >= 0; tick++) {
            later = now.plus(Duration.ofSeconds(tick));
            future = market.quoteAt("TSLA", later).orElseThrow();
        }
        assertThat(future.ask()).isLessThan(current.bid());
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
        assertThat(platform.api.fillEngine().runOnce()).isGreaterThanOrEqualTo(1);
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
}
