package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code monitoring.disabledMetrics}: meters under a denied prefix are not recorded and are missing from
 * {@code /metrics}; the others stay.
 */
class DisabledMetricsTest {

    @Test
    void aDeniedMeterIsMissingFromTheScrapeAndAnAllowedOneStays() {
        TestPlatform platform = TestPlatform.get();
        try (ApiInstance api = ApiInstance.start(platform.instanceConfig("metrics-off",
                "monitoring: { disabledMetrics: [db.operations, lettuce.command] }"), Clock.systemUTC(), false)) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
            // A registration is a unit of work on the database and a login writes a session to Redis.
            ApiClient.Trader trader = client.newTrader();
            assertThat(client.get("/api/portfolio", trader.token()).status()).isEqualTo(200);

            List<String> names = meterNames(client);
            assertThat(names).noneMatch(name -> name.startsWith("db_operations"))
                    .noneMatch(name -> name.startsWith("lettuce_command"))
                    .contains("http_server_requests_seconds_count", "db_connections_active");
        }
        // The same requests on an instance with the defaults: both are there.
        ApiClient.Trader trader = platform.client.newTrader();
        assertThat(platform.client.get("/api/portfolio", trader.token()).status()).isEqualTo(200);
        assertThat(meterNames(platform.client)).contains("db_operations_seconds_count",
                "lettuce_command_completion_seconds_count", "http_server_requests_seconds_count");
    }

    /** The sample names of a scrape, without labels or values. */
    private static List<String> meterNames(ApiClient client) {
        ApiClient.Response scrape = client.get("/metrics", null);
        assertThat(scrape.status()).isEqualTo(200);
        return scrape.text().lines().filter(line -> !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).distinct().toList();
    }
}
