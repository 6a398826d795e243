package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToYamlTest {

    @Test
    void theDefaultsSurviveARoundTrip() {
        PlatformConfig defaults = ConfigLoader.defaults();

        assertThat(ConfigLoader.loadYaml(ConfigLoader.toYaml(defaults))).isEqualTo(defaults);
    }

    @Test
    void theOutputHasTheShapeAndUnitsOfTheDefaultsFile() {
        String yaml = ConfigLoader.toYaml(ConfigLoader.defaults());

        assertThat(yaml).startsWith("scaling:\n  minInstances: 3\n  maxInstances: 10\n  regions: [fra1, lhr1, iad1]\n");
        assertThat(yaml).contains(
                "  triggers:\n    cpu:\n      target: 70\n      window: 5m\n",
                "  healthCheck:\n    path: /api/health\n    interval: 10s\n    timeout: 5s\n",
                "    certificates: [\"*.nextleveltraders.com\"]\n",
                "    retryDelayOnFailover: 100ms\n",
                "    ca: null\n",
                "  browser:\n    static: 1y\n    api: 5m\n    images: 7d\n",
                "  nodes:\n    - { host: redis-1, port: 6379, role: master }\n",
                "    - { table: trades, columns: [user_id, created_at], type: btree }\n",
                "    formats: [webp, avif]\n",
                "    - { width: 640, height: 360 }\n",
                "    memory: 50MB\n",
                "    current: 500GB\n",
                "    maxRequestBody: 64KiB\n",
                "    startingCash: 100000.00\n",
                "    seed: 20261126\n",
                "    action: scale_up\n");
    }

    @Test
    void unusualValuesSurviveARoundTrip() {
        PlatformConfig defaults = ConfigLoader.defaults();
        Platform p = defaults.platform();
        PlatformConfig changed = new PlatformConfig(
                new Scaling(1, 1, List.of("no", "1", "eu west: 1 # x"), defaults.scaling().triggers()),
                new LoadBalancer(BalancingAlgorithm.LEAST_CONNECTIONS, defaults.loadBalancer().healthCheck(),
                        new LoadBalancerSsl(false, List.of(), "TLSv1.3"), defaults.loadBalancer().rateLimit()),
                new DatabaseSettings(new DbPool(0, 1, Duration.ofMillis(1), Duration.ofMillis(1500), Duration.ofDays(400),
                        Duration.ofHours(36), new DbSsl(false, Path.of("/etc/ssl/my ca.pem"))),
                        defaults.database().sharding(), new Replication(SynchronousCommit.OFF, Duration.ofSeconds(30)), 0,
                        new DbFailover(Duration.ofMillis(100), 100)),
                defaults.caching(), defaults.redis(), defaults.monitoring(), defaults.autoScaling(),
                defaults.query(), defaults.assets(),
                new Capacity(new PerUser(1.0E-4, new DataSize(1), new DataSize(1_073_741_824L)),
                        defaults.capacity().growth(), defaults.capacity().infrastructure()),
                new Platform(
                        new ApiServer("::1", 443, new DataSize(1_048_577), "no", "\"quoted\"\\ \u00e9\t\u0001",
                                DataSize.parse("1GiB")),
                        new PostgresEndpoint("db", 5432, "true", "null", Path.of("secrets/pg pass")),
                        p.redis(),
                        new Market(Long.MIN_VALUE, Duration.ofMillis(250), new BigDecimal("0.05"),
                                new BigDecimal("123456789012345678.90"), 0, List.of("BRK.B")),
                        new Account(new BigDecimal("0.50"), "EUR"), p.engine(), p.security(), p.localCache(), p.authRateLimit(), p.replicaReads(),
                        p.gateway(), new KubernetesPod(1, 1, DataSize.parse("128MiB"), 100)));

        String yaml = ConfigLoader.toYaml(changed);

        assertThat(ConfigLoader.loadYaml(yaml)).isEqualTo(changed);
        assertThat(yaml).contains("regions: [\"no\", \"1\", \"eu west: 1 # x\"]", "database: \"true\"",
                "user: \"null\"", "statementTimeout: 400d", "idleInTransactionSessionTimeout: 36h",
                "connectionTimeout: 1500ms", "certificates: []",
                "reservedConnections: 0", "memory: 128MiB");
    }
}
