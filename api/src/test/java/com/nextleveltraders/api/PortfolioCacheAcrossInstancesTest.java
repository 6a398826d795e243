package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.cache.RedisConnections;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Portfolios come from the tiered cache, yet a write on one instance is seen at once on another. */
class PortfolioCacheAcrossInstancesTest {

    private static final String UNLIMITED = "loadBalancer:\n  rateLimit: { requests: 1000000, period: 1m, burst: 100000 }\n";


    @Test
    void aWriteOnOneInstanceIsVisibleAtOnceOnTheOther() throws Exception {
        TestPlatform platform = TestPlatform.get();
        try (ApiInstance first = ApiInstance.start(platform.instanceConfig("cache-1", UNLIMITED), Clock.systemUTC(), false);
                ApiInstance second = ApiInstance.start(platform.instanceConfig("cache-2", UNLIMITED), Clock.systemUTC(), false)) {
            ApiClient one = new ApiClient("http://127.0.0.1:" + first.port());
            ApiClient two = new ApiClient("http://127.0.0.1:" + second.port());
            Trader trader = platform.client.newTrader(); // sessions live in Redis: valid on every instance

            JsonNode before = two.get("/api/portfolio", trader.token()).json();
            JsonNode again = two.get("/api/portfolio", trader.token()).json();
            assertThat(again.get("cash")).isEqualTo(before.get("cash"));
            // The second read on the same instance came from its L1.
            assertThat(second.portfolioCacheStats().l1Hits()).isPositive();

            for (int i = 1; i <= 5; i++) {
                assertThat(one.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}")
                        .status()).isEqualTo(201);
                JsonNode after = two.get("/api/portfolio", trader.token()).json();
                assertThat(after.get("positions").get(0).get("symbol").asText()).isEqualTo("KO");
                assertThat(new BigDecimal(after.get("positions").get(0).get("quantity").asText()))
                        .isEqualByComparingTo(BigDecimal.valueOf(i));
            }
            // And a cancel on the second instance shows on the first.
            String id = two.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\","
                    + "\"limitPrice\":\"1\"}").json().get("id").asText();
            assertThat(new BigDecimal(one.get("/api/portfolio", trader.token()).json().get("reservedCash").asText()))
                    .isEqualByComparingTo("1.00");
            two.delete("/api/orders/" + id, trader.token());
            assertThat(new BigDecimal(one.get("/api/portfolio", trader.token()).json().get("reservedCash").asText()))
                    .isEqualByComparingTo("0");

            // Redis loses the generation (a crash that lost its last writes) while the database
            // moved on: a lost generation is never reused, so the old entries are not served.
            try (Connection connection = platform.dataSource().getConnection();
                    PreparedStatement update = connection.prepareStatement(
                            "UPDATE accounts SET cash = cash - 1 WHERE user_id = ?")) {
                update.setObject(1, trader.id());
                update.executeUpdate();
            }
            BigDecimal expected = new BigDecimal(before.get("cash").asText()).subtract(BigDecimal.ONE);
            try (RedisConnections redis = RedisConnections.open(platform.config)) {
                redis.sync().del("portfolio:v1:{" + trader.id() + "}:gen");
            }
            JsonNode afterLoss = one.get("/api/portfolio", trader.token()).json();
            BigDecimal spent = new BigDecimal(afterLoss.get("positions").get(0).get("costBasis").asText());
            assertThat(new BigDecimal(afterLoss.get("cash").asText())).isEqualByComparingTo(expected.subtract(spent));
        }
    }
}
