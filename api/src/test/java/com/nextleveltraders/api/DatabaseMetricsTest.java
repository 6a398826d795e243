package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.data.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The data tier's meters come and go with what they measure. */
class DatabaseMetricsTest {

    @Test
    void aServersPoolMetricsAreNamedAfterTheServerAndLeaveWithThePool() {
        TestPlatform platform = TestPlatform.get();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            String server = "127.0.0.1:" + platform.postgres.port() + "/" + platform.postgres.database();
            try (Database database = Database.open(platform.config,
                    new DatabaseMetrics(registry, Duration.ofMillis(1000)))) {
                boolean answered = database.readOn("catalog_probe", database.catalog(), connection -> true);
                assertThat(answered).isTrue();
                assertThat(registry.find("hikaricp.connections.active").tag("pool", server).gauge()).isNotNull();
                assertThat(registry.find("hikaricp.connections.max").tag("pool", server).gauge().value())
                        .isEqualTo(platform.config.database().pool().max());
                assertThat(registry.find("db.operations").tag("operation", "catalog_probe").timer().count())
                        .isEqualTo(1);
            }
            // A closed pool (the instance's, or a retired shard's) leaves no gauge showing stale figures.
            assertThat(registry.find("hikaricp.connections.active").tag("pool", server).gauge()).isNull();
            assertThat(registry.find("hikaricp.connections.max").gauges()).isEmpty();
        } finally {
            registry.close();
        }
    }
}
