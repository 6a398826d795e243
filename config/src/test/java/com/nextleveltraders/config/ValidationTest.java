package com.nextleveltraders.config;

import static com.nextleveltraders.config.RefusalTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Values that bind but are out of range or contradict each other. Every problem is reported at once: first each
 * value out of range (its record's own check), in the order of the file, then the rules that relate values.
 */
class ValidationTest {

    @Test
    void poolMaxBelowMinIsRefusedWithBothValues() {
        problemsOf("database: { pool: { min: 5, max: 3 } }")
                .containsExactly("database.pool.max: must be >= database.pool.min (3 < 5)");
    }

    @Test
    void scaleDownThresholdsMustStayBelowScaleUpThresholds() {
        problemsOf("""
                autoScaling:
                  scaleDown: { cpu: { threshold: 75 }, memory: { threshold: 80 } }
                """).containsExactly(
                "autoScaling.scaleDown.cpu.threshold: must be < autoScaling.scaleUp.cpu.threshold (75 >= 70)",
                "autoScaling.scaleDown.memory.threshold: must be < autoScaling.scaleUp.memory.threshold (80 >= 80)");
    }

    @Test
    void negativeAutoScalingDurationsAreRefusedNamingTheKey() {
        problemsOf("autoScaling: { interval: -15s, cooldown: -3m, warmup: -1ms }").containsExactly(
                "autoScaling.interval: not a duration: \"-15s\" (must not be negative)",
                "autoScaling.cooldown: not a duration: \"-3m\" (must not be negative)",
                "autoScaling.warmup: not a duration: \"-1ms\" (must not be negative)");
    }

    @Test
    void theIntervalMustBePositiveWhileCooldownAndWarmUpMayBeTurnedOff() {
        problemsOf("autoScaling: { interval: 0s }").containsExactly("autoScaling.interval: must be > 0 (got 0s)");
        AutoScaling off = ConfigLoader.loadYaml("autoScaling: { cooldown: 0s, warmup: 0s }").autoScaling();
        assertThat(off.cooldown()).isZero();
        assertThat(off.warmup()).isZero();
    }

    @Test
    void everyRuleMustLastAtLeastOneInterval() {
        problemsOf("""
                autoScaling:
                  interval: 6m
                  scaleUp: { responseTime: { duration: 1m } }
                """).containsExactly(
                "autoScaling.scaleUp.cpu.duration: must be >= autoScaling.interval (5m < 6m)",
                "autoScaling.scaleUp.memory.duration: must be >= autoScaling.interval (5m < 6m)",
                "autoScaling.scaleUp.responseTime.duration: must be >= autoScaling.interval (1m < 6m)");
    }

    @Test
    void everyValidationProblemIsReported() {
        problemsOf("""
                scaling: { minInstances: 0, maxInstances: 0, regions: [fra1, fra1] }
                loadBalancer:
                  healthCheck: { path: health, timeout: 10s, healthyThreshold: 0 }
                  ssl: { minVersion: TLSv1.1 }
                  rateLimit: { requests: 0, burst: 0 }
                """).containsExactly(
                "scaling.minInstances: must be >= 1 (got 0)",
                "scaling.regions[1]: duplicate of scaling.regions[0] (\"fra1\")",
                "loadBalancer.healthCheck.path: must start with \"/\" (got \"health\")",
                "loadBalancer.healthCheck.healthyThreshold: must be >= 1 (got 0)",
                "loadBalancer.ssl.minVersion: must be one of TLSv1.2, TLSv1.3 (got \"TLSv1.1\")",
                "loadBalancer.rateLimit.requests: must be >= 1 (got 0)",
                "loadBalancer.rateLimit.burst: must be >= 1 (got 0)",
                "loadBalancer.healthCheck.timeout: must be < loadBalancer.healthCheck.interval (10s >= 10s)");
    }

    @Test
    void maxInstancesMustNotBeBelowMinInstances() {
        problemsOf("scaling: { minInstances: 4, maxInstances: 3 }")
                .containsExactly("scaling.maxInstances: must be >= scaling.minInstances (3 < 4)");
    }

    @Test
    void regionsMustNotBeEmptyAndMustHoldTheApiRegion() {
        problemsOf("scaling: { regions: [] }").containsExactly(
                "scaling.regions: must not be empty",
                "platform.api.region: must be one of scaling.regions (got \"fra1\")");
    }

    @Test
    void enabledSslNeedsCertificates() {
        problemsOf("loadBalancer: { ssl: { certificates: [] } }")
                .containsExactly("loadBalancer.ssl.certificates: must not be empty when loadBalancer.ssl.enabled is true");
        assertThat(ConfigLoader.loadYaml("loadBalancer: { ssl: { enabled: false, certificates: [] } }")
                .loadBalancer().ssl().certificates()).isEmpty();
    }

    @Test
    void durationsMustBePositiveAndTheConnectionTimeoutAtLeastHikarisFloor() {
        problemsOf("""
                database: { pool: { idleTimeout: 0s, connectionTimeout: 249ms } }
                caching: { browser: { static: 0ms } }
                """).containsExactly(
                "database.pool.idleTimeout: must be > 0 (got 0s)",
                "database.pool.connectionTimeout: must be >= 250ms (got 249ms)",
                "caching.browser.static: must be > 0 (got 0s)");
        assertThat(ConfigLoader.loadYaml("database: { pool: { connectionTimeout: 250ms } }")
                .database().pool().connectionTimeout().toMillis()).isEqualTo(250);
    }

    @Test
    void poolAndShardingCountsAreChecked() {
        problemsOf("database: { pool: { min: -1, max: 0 }, sharding: { buckets: 8, shards: 9 } }").containsExactly(
                "database.pool.min: must be >= 0 (got -1)",
                "database.pool.max: must be >= 1 (got 0)",
                "database.sharding.shards: must be <= database.sharding.buckets (9 > 8)");
        problemsOf("database: { sharding: { buckets: 0, shards: 0 } }").containsExactly(
                "database.sharding.buckets: must be >= 1 (got 0)",
                "database.sharding.shards: must be >= 1 (got 0)");
    }

    @Test
    void aMoveBatchOutsideOneToOneHundredThousandRowsOrANegativePoolDelayIsRefused() {
        problemsOf("database: { sharding: { moveBatch: 0 } }").containsExactly(
                "database.sharding.moveBatch: must be between 1 and 100000 (got 0)");
        problemsOf("database: { sharding: { moveBatch: 100001 } }").containsExactly(
                "database.sharding.moveBatch: must be between 1 and 100000 (got 100001)");
        problemsOf("database: { sharding: { retiredPoolsCloseAfter: -1s } }").containsExactly(
                "database.sharding.retiredPoolsCloseAfter: not a duration: \"-1s\" (must not be negative)");
        assertThatThrownBy(() -> new Sharding(8, 1, 500, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sharding.retiredPoolsCloseAfter: must not be negative (got -1000ms)");
        Sharding edges = ConfigLoader.loadYaml(
                "database: { sharding: { moveBatch: 100000, retiredPoolsCloseAfter: 0s } }").database().sharding();
        assertThat(edges.moveBatch()).isEqualTo(100_000);
        assertThat(edges.retiredPoolsCloseAfter()).isZero();
    }

    @Test
    void aFailoverCheckOutsideATenthOfASecondToAMinuteOrAFallOutsideOneToAHundredIsRefused() {
        problemsOf("database: { failover: { checkInterval: 50ms, fall: 0 } }").containsExactly(
                "database.failover.checkInterval: must be from 100ms to 1m (got 50ms)",
                "database.failover.fall: must be between 1 and 100 (got 0)");
        problemsOf("database: { failover: { checkInterval: 2m, fall: 101 } }").containsExactly(
                "database.failover.checkInterval: must be from 100ms to 1m (got 2m)",
                "database.failover.fall: must be between 1 and 100 (got 101)");
        DbFailover edges = ConfigLoader.loadYaml("database: { failover: { checkInterval: 100ms, fall: 1 } }")
                .database().failover();
        assertThat(edges.probeTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(ConfigLoader.defaults().database().failover().probeTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void redisNeedsExactlyOneMasterAndValidPorts() {
        problemsOf("""
                redis:
                  nodes:
                    - { host: a, port: 0, role: replica }
                    - { host: b, port: 65536, role: replica }
                    - { host: b, port: 65536, role: replica }
                """).containsExactly(
                "redis.nodes[0].port: must be between 1 and 65535 (got 0)",
                "redis.nodes[1].port: must be between 1 and 65535 (got 65536)",
                "redis.nodes[2].port: must be between 1 and 65535 (got 65536)",
                "redis.nodes[2]: same host and port as redis.nodes[1] (\"b:65536\")",
                "redis.nodes: must have exactly one node with role master (found 0)");
        problemsOf("redis: { nodes: [] }")
                .containsExactly("redis.nodes: must have exactly one node with role master (found 0)");
    }

    @Test
    void clusterModeTakesAnyNodesAsSeedsButNeedsThreeMasters() {
        problemsOf("""
                redis:
                  mode: cluster
                  nodes:
                    - { host: a, port: 1, role: replica }
                  cluster: { masters: 2, replicasPerMaster: 6, nodeTimeout: 0s }
                """).containsExactly(
                "redis.cluster.masters: must be between 3 and 100 (got 2)",
                "redis.cluster.replicasPerMaster: must be between 0 and 5 (got 6)",
                "redis.cluster.nodeTimeout: must be > 0 (got 0s)");
        problemsOf("redis: { mode: cluster, nodes: [] }")
                .containsExactly("redis.nodes: must list at least one node of the cluster");
    }

    @Test
    void sentinelsNeedAMajorityQuorumAndANameRedisAccepts() {
        problemsOf("""
                redis:
                  sentinel: { masterName: "a b", quorum: 1, downAfter: 0s }
                  durability: { replicaAcks: 6 }
                """).containsExactly(
                "redis.sentinel.masterName: must be letters, digits, '-' and '_' (got \"a b\")",
                "redis.sentinel.downAfter: must be > 0 (got 0s)",
                "redis.durability.replicaAcks: must be between 0 and 5 (got 6)",
                "redis.sentinel.quorum: must be between 2 and 3 (got 1)");
        problemsOf("redis: { sentinel: { nodes: [] } }")
                .containsExactly("redis.sentinel.nodes: must list at least one Sentinel in sentinel mode");
        problemsOf("redis: { mode: persistent }").singleElement().asString()
                .startsWith("redis.mode: must be one of standalone, sentinel, cluster");
    }

    @Test
    void percentagesMustLieBetweenZeroAndHundred() {
        problemsOf("""
                scaling: { triggers: { cpu: { target: 0 } } }
                monitoring:
                  system: { memory: { threshold: 101 } }
                  application: { errorRate: { threshold: 100.5 } }
                autoScaling: { scaleUp: { cpu: { threshold: 120 } } }
                """).containsExactly(
                "scaling.triggers.cpu.target: must be between 1 and 100 (got 0)",
                "monitoring.system.memory.threshold: must be between 0 and 100 (got 101)",
                "monitoring.application.errorRate.threshold: must be between 0 and 100 (got 100.5)",
                "autoScaling.scaleUp.cpu.threshold: must be between 0 and 100 (got 120)");
        assertThat(ConfigLoader.loadYaml("monitoring: { application: { errorRate: { threshold: 0.25 } } }")
                .monitoring().application().errorRate().threshold()).isEqualTo(0.25);
    }

    @Test
    void aBlankDisabledMetricsPrefixIsRefusedSinceItWouldDenyEveryMeter() {
        problemsOf("monitoring: { disabledMetrics: [db.operations, \"\"] }").containsExactly(
                "monitoring.disabledMetrics: must not hold a blank prefix (it would deny every meter)");
        assertThat(ConfigLoader.loadYaml("monitoring: { disabledMetrics: [db.operations] }").monitoring()
                .disabledMetrics()).containsExactly("db.operations");
    }

    @Test
    void queryLimitsAreChecked() {
        problemsOf("""
                query:
                  patterns:
                    pagination: { maxLimit: 50, defaultLimit: 60 }
                    sorting: { maxFields: 0 }
                    filtering: { maxConditions: 0 }
                """).containsExactly(
                "query.patterns.sorting.maxFields: must be >= 1 (got 0)",
                "query.patterns.filtering.maxConditions: must be >= 1 (got 0)",
                "query.patterns.pagination.defaultLimit: must be <= query.patterns.pagination.maxLimit (60 > 50)");
        problemsOf("query: { patterns: { pagination: { defaultLimit: 0 } } }")
                .containsExactly("query.patterns.pagination.defaultLimit: must be >= 1 (got 0)");
    }

    @Test
    void indexNamesMustBePlainSqlIdentifiers() {
        problemsOf("""
                query:
                  indexes:
                    - { table: "trades; drop table users", columns: [user_id, user_id], type: btree }
                    - { table: orders, columns: [], type: btree }
                """).containsExactly(
                "query.indexes[0].table: must be a lower-case SQL identifier (got \"trades; drop table users\")",
                "query.indexes[0].columns[1]: duplicate of query.indexes[0].columns[0] (\"user_id\")",
                "query.indexes[1].columns: must not be empty");
    }

    @Test
    void imageSettingsAreChecked() {
        problemsOf("""
                assets:
                  images:
                    formats: [webp, webp]
                    sizes: [{ width: 0, height: 10 }]
                    quality: 0
                """).containsExactly(
                "assets.images.formats[1]: duplicate of assets.images.formats[0] (webp)",
                "assets.images.sizes[0].width: must be >= 1 (got 0)",
                "assets.images.quality: must be between 1 and 100 (got 0)");
        problemsOf("assets: { images: { formats: [], sizes: [] } }").containsExactly(
                "assets.images.formats: must not be empty",
                "assets.images.sizes: must not be empty");
    }

    @Test
    void capacityFiguresMustBePositive() {
        problemsOf("""
                capacity:
                  perUser: { cpu: 0, memory: 0 }
                  growth: { users: { current: -1, yearly: 0 }, data: { yearly: -2.5 } }
                  infrastructure: { oneYear: { webServers: 0, storage: 0TB } }
                """).containsExactly(
                "capacity.perUser.cpu: must be > 0 (got 0.0)",
                "capacity.perUser.memory: must be > 0 (got 0B)",
                "capacity.growth.users.current: must be >= 0 (got -1)",
                "capacity.growth.users.yearly: must be > 0 (got 0.0)",
                "capacity.growth.data.yearly: must be > 0 (got -2.5)",
                "capacity.infrastructure.oneYear.webServers: must be >= 1 (got 0)",
                "capacity.infrastructure.oneYear.storage: must be > 0 (got 0B)");
    }

    @Test
    void gatewaySettingsAreChecked() {
        problemsOf("""
                platform:
                  gateway: { host: "", port: 8443, adminPort: 8443, certificate: /etc/cert.pem, slowStart: 0s,
                             fastCheckInterval: 0s, drainTimeout: 0s, responseTimeout: 0s, retries: 10 }
                """).containsExactly(
                "platform.gateway.host: must not be blank",
                "platform.gateway.fastCheckInterval: must be > 0 (got 0s)",
                "platform.gateway.drainTimeout: must be > 0 (got 0s)",
                "platform.gateway.responseTimeout: must be > 0 (got 0s)",
                "platform.gateway.retries: must be between 0 and 9 (got 10)",
                "platform.gateway.adminPort: must differ from platform.gateway.port (both 8443)",
                "platform.gateway.privateKey: certificate and privateKey go together: give both or neither");
    }

    @Test
    void endpointsNeedHostsAndPorts() {
        problemsOf("""
                platform:
                  api: { host: " ", port: -1, maxRequestBody: 0, instanceId: "" }
                  postgres: { port: 70000, database: "", user: "" }
                """).containsExactly(
                "platform.api.host: must not be blank",
                "platform.api.port: must be between 0 and 65535 (got -1)",
                "platform.api.maxRequestBody: must be > 0 (got 0B)",
                "platform.api.instanceId: must not be blank",
                "platform.postgres.port: must be between 1 and 65535 (got 70000)",
                "platform.postgres.database: must not be blank",
                "platform.postgres.user: must not be blank");
    }

    @Test
    void marketPricesAndSymbolsAreChecked() {
        problemsOf("""
                platform:
                  market:
                    tick: 0s
                    minPrice: 0
                    maxPrice: -1
                    spreadBasisPoints: 10000
                    symbols: [AAPL, aapl, TOOLONGSYMBOL, AAPL, BRK.B]
                """).containsExactly(
                "platform.market.tick: must be > 0 (got 0s)",
                "platform.market.minPrice: must be >= 0.02 with at most 2 decimal places (got 0)",
                "platform.market.spreadBasisPoints: must be between 0 and 9999 (got 10000)",
                "platform.market.symbols[1]: must be an upper-case ticker such as AAPL or BRK.B (got \"aapl\")",
                "platform.market.symbols[2]: must be an upper-case ticker such as AAPL or BRK.B (got \"TOOLONGSYMBOL\")",
                "platform.market.symbols[3]: duplicate of platform.market.symbols[0] (\"AAPL\")",
                "platform.market.maxPrice: must be > platform.market.minPrice (-1 <= 0)");
        problemsOf("platform: { market: { minPrice: 10.00, maxPrice: 10 } }")
                .containsExactly("platform.market.maxPrice: must be > platform.market.minPrice (10 <= 10.00)");
        problemsOf("platform: { market: { symbols: [] } }").containsExactly("platform.market.symbols: must not be empty");
    }

    @Test
    void startingCashIsMoneyInTheAccountCurrency() {
        problemsOf("platform: { account: { startingCash: -0.01, currency: usd } }").containsExactly(
                "platform.account.startingCash: must be >= 0 (got -0.01)",
                "platform.account.currency: must be three upper-case letters (got \"usd\")");
        problemsOf("platform: { account: { startingCash: 100.001 } }").containsExactly(
                "platform.account.startingCash: must have at most 2 decimal places (got 100.001)");
        assertThat(ConfigLoader.loadYaml("platform: { account: { startingCash: 0, currency: EUR } }")
                .platform().account().startingCash()).isZero();
    }

    @Test
    void engineAndArgon2CostsAreChecked() {
        problemsOf("""
                platform:
                  engine: { interval: 0ms, batchSize: 0 }
                  security: { argon2: { memoryKiB: 16, iterations: 0, parallelism: 4 } }
                """).containsExactly(
                "platform.engine.interval: must be > 0 (got 0s)",
                "platform.engine.batchSize: must be >= 1 (got 0)",
                "platform.security.argon2.iterations: must be >= 1 (got 0)",
                "platform.security.argon2.memoryKiB: must be >= 8 * platform.security.argon2.parallelism (16 < 32)");
        problemsOf("platform: { security: { argon2: { parallelism: 0 } } }")
                .containsExactly("platform.security.argon2.parallelism: must be >= 1 (got 0)");
    }
}
