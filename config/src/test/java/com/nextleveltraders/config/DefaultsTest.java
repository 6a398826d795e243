package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultsTest {

    private final PlatformConfig cfg = ConfigLoader.defaults();

    @Test
    void defaultsAreLoadedOnceAndEqualAnEmptyOverride() {
        assertThat(ConfigLoader.defaults()).isSameAs(cfg);
        assertThat(ConfigLoader.load(List.of())).isEqualTo(cfg);
        assertThat(ConfigLoader.loadYaml("")).isEqualTo(cfg);
        assertThat(ConfigLoader.loadYaml("# only a comment\n")).isEqualTo(cfg);
    }

    @Test
    void scalingDefaultsMatchTheSeed() {
        assertThat(cfg.scaling().minInstances()).isEqualTo(3);
        assertThat(cfg.scaling().maxInstances()).isEqualTo(10);
        assertThat(cfg.scaling().regions()).containsExactly("fra1", "lhr1", "iad1");
        assertThat(cfg.scaling().triggers().cpu()).isEqualTo(new ScalingTrigger(70, Duration.ofMinutes(5)));
        assertThat(cfg.scaling().triggers().memory()).isEqualTo(new ScalingTrigger(80, Duration.ofMinutes(5)));
    }

    @Test
    void loadBalancerDefaultsMatchTheSeed() {
        LoadBalancer lb = cfg.loadBalancer();
        assertThat(lb.algorithm()).isEqualTo(BalancingAlgorithm.LEAST_CONNECTIONS);
        assertThat(lb.healthCheck()).isEqualTo(new HealthCheck("/api/health", Duration.ofSeconds(10),
                Duration.ofSeconds(5), 2, 3));
        assertThat(lb.ssl().enabled()).isTrue();
        assertThat(lb.ssl().certificates()).containsExactly("*.nextleveltraders.com");
        assertThat(lb.ssl().minVersion()).isEqualTo("TLSv1.2");
        assertThat(lb.rateLimit()).isEqualTo(new RateLimit(1000, Duration.ofMinutes(1), 50));
    }

    @Test
    void databaseDefaultsMatchTheSeed() {
        DbPool pool = cfg.database().pool();
        assertThat(pool.min()).isEqualTo(5);
        assertThat(pool.max()).isEqualTo(20);
        assertThat(pool.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(pool.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pool.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(pool.idleInTransactionSessionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(pool.ssl().rejectUnauthorized()).isTrue();
        assertThat(pool.ssl().ca()).isNull();
        assertThat(cfg.database().sharding()).isEqualTo(new Sharding(1024, 2, 500, Duration.ofMinutes(1)));
        assertThat(cfg.database().sharding().moveBatch()).as("rows a bucket move copies per statement").isEqualTo(500);
        assertThat(cfg.database().sharding().retiredPoolsCloseAfter()).as("a retired shard's pools stay open")
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.database().reservedConnections()).isEqualTo(20);
        assertThat(cfg.database().replication()).as("commits wait for the replica's flush, and for as long as it is gone")
                .isEqualTo(new Replication(SynchronousCommit.ON, null));
        assertThat(cfg.database().failover()).as("a probe a second, three failures in a row")
                .isEqualTo(new DbFailover(Duration.ofSeconds(1), 3));
        assertThat(pool.requestTimeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void cachingTtlsMatchTheSeed() {
        assertThat(cfg.caching().browser()).isEqualTo(
                new CacheTtls(Duration.ofDays(365), Duration.ofMinutes(5), Duration.ofDays(7)));
        assertThat(cfg.caching().cdn()).isEqualTo(
                new CacheTtls(Duration.ofDays(365), Duration.ofMinutes(1), Duration.ofDays(30)));
        assertThat(cfg.caching().redis()).isEqualTo(
                new RedisTtls(Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofMinutes(1)));
    }

    @Test
    void redisClusterMatchesTheSeed() {
        assertThat(cfg.redis().nodes()).containsExactly(
                new RedisNode("redis-1", 6379, RedisRole.MASTER),
                new RedisNode("redis-2", 6379, RedisRole.REPLICA),
                new RedisNode("redis-3", 6379, RedisRole.REPLICA));
        assertThat(cfg.redis().options().maxRedirections()).isEqualTo(16);
        assertThat(cfg.redis().options().retryDelayOnFailover()).isEqualTo(Duration.ofMillis(100));
        assertThat(cfg.redis().options().enableReadyCheck()).isTrue();
        assertThat(cfg.redis().commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.redis().master()).isEqualTo(new RedisNode("redis-1", 6379, RedisRole.MASTER));
    }

    @Test
    void redisRunsAsAMasterWithReplicasUnderThreeSentinels() {
        assertThat(cfg.redis().mode()).isEqualTo(RedisMode.SENTINEL);
        assertThat(cfg.redis().sentinel()).isEqualTo(new RedisSentinel("nlt", 2, Duration.ofSeconds(5),
                Duration.ofSeconds(30), List.of(new RedisAddress("redis-1", 26379),
                        new RedisAddress("redis-2", 26379), new RedisAddress("redis-3", 26379))));
        assertThat(cfg.redis().cluster()).isEqualTo(new RedisClusterShape(3, 1, Duration.ofSeconds(5)));
        assertThat(cfg.redis().persistence().appendfsync()).isEqualTo(AppendFsync.EVERYSEC);
        assertThat(cfg.redis().durability()).isEqualTo(new RedisDurability(1, Duration.ofMillis(500)));
    }

    @Test
    void monitoringThresholdsMatchTheSeed() {
        Monitoring m = cfg.monitoring();
        assertThat(m.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(m.keepFiringFor()).isEqualTo(Duration.ofSeconds(15));
        assertThat(m.repeatInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(m.webhooks()).isEmpty();
        assertThat(m.disabledMetrics()).isEmpty();
        assertThat(m.system().cpu()).isEqualTo(new PercentAlert(70, Duration.ofMinutes(5), AlertAction.SCALE_UP));
        assertThat(m.system().memory()).isEqualTo(new PercentAlert(80, Duration.ofMinutes(5), AlertAction.SCALE_UP));
        assertThat(m.application().responseTime()).isEqualTo(
                new LatencyAlert(Duration.ofMillis(500), 99, Duration.ofMinutes(1), AlertAction.ALERT));
        assertThat(m.application().errorRate()).isEqualTo(
                new ErrorRateAlert(1, Duration.ofMinutes(5), AlertAction.ALERT));
        assertThat(m.database().connections()).isEqualTo(
                new PercentAlert(80, Duration.ofMinutes(1), AlertAction.ALERT));
        assertThat(m.database().queryTime()).isEqualTo(
                new LatencyAlert(Duration.ofSeconds(1), 99, Duration.ofMinutes(5), AlertAction.ALERT));
    }

    @Test
    void autoScalingRulesMatchTheSeed() {
        ScaleUpRules up = cfg.autoScaling().scaleUp();
        assertThat(up.cpu()).isEqualTo(new ScaleUpRule(70, Duration.ofMinutes(5), 1));
        assertThat(up.memory()).isEqualTo(new ScaleUpRule(80, Duration.ofMinutes(5), 1));
        assertThat(up.responseTime()).isEqualTo(
                new LatencyScaleUpRule(Duration.ofMillis(500), Duration.ofMinutes(5), 2));
        ScaleDownRules down = cfg.autoScaling().scaleDown();
        assertThat(down.cpu()).isEqualTo(new ScaleDownRule(30, Duration.ofMinutes(15), 1));
        assertThat(down.memory()).isEqualTo(new ScaleDownRule(40, Duration.ofMinutes(15), 1));
    }

    @Test
    void autoScalingAppliesTheRulesEveryFifteenSecondsWithACooldownAndAWarmUp() {
        assertThat(cfg.autoScaling().interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(cfg.autoScaling().cooldown()).isEqualTo(Duration.ofMinutes(3));
        assertThat(cfg.autoScaling().warmup()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void queryIndexesAndLimitsMatchTheSeed() {
        assertThat(cfg.query().indexes()).containsExactly(
                new IndexDefinition("trades", List.of("user_id", "created_at"), IndexType.BTREE),
                new IndexDefinition("orders", List.of("status", "created_at"), IndexType.BTREE));
        assertThat(cfg.query().patterns().pagination().maxLimit()).isEqualTo(100);
        assertThat(cfg.query().patterns().pagination().defaultLimit()).isEqualTo(20);
        assertThat(cfg.query().patterns().sorting().maxFields()).isEqualTo(3);
        assertThat(cfg.query().patterns().filtering().maxConditions()).isEqualTo(5);
    }

    @Test
    void assetOptimisationsMatchTheSeed() {
        Images images = cfg.assets().images();
        assertThat(images.formats()).containsExactly(ImageFormat.WEBP, ImageFormat.AVIF);
        assertThat(images.sizes()).containsExactly(
                new ImageSize(640, 360), new ImageSize(1280, 720), new ImageSize(1920, 1080));
        assertThat(images.quality()).isEqualTo(80);
        assertThat(cfg.assets().bundling()).isEqualTo(new Bundling(true, true, true, new Compression(true, true)));
    }

    @Test
    void capacityNumbersMatchTheSeed() {
        Capacity c = cfg.capacity();
        assertThat(c.perUser().cpu()).isEqualTo(0.1);
        assertThat(c.perUser().memory()).isEqualTo(new DataSize(50_000_000));
        assertThat(c.perUser().storage()).isEqualTo(new DataSize(100_000_000));
        assertThat(c.growth().users()).isEqualTo(new UserGrowth(10_000, 2.5));
        assertThat(c.growth().data()).isEqualTo(new DataGrowth(new DataSize(500_000_000_000L), 3.0));
        assertThat(c.infrastructure().current()).isEqualTo(
                new InfrastructureStage(5, 3, 3, DataSize.parse("1TB")));
        assertThat(c.infrastructure().sixMonths()).isEqualTo(
                new InfrastructureStage(10, 5, 6, DataSize.parse("3TB")));
        assertThat(c.infrastructure().oneYear()).isEqualTo(
                new InfrastructureStage(20, 8, 12, DataSize.parse("10TB")));
    }

    @Test
    void platformDefaultsAreReadFromTheFile() {
        Platform p = cfg.platform();
        assertThat(p.api()).isEqualTo(new ApiServer("127.0.0.1", 8080, new DataSize(65_536), "fra1", "api-1",
                DataSize.parse("384MiB")));
        assertThat(p.postgres()).isEqualTo(new PostgresEndpoint("127.0.0.1", 5432, "nlt", "nlt", null));
        assertThat(p.redis()).isEqualTo(new RedisEndpoint(null));
        assertThat(p.market().seed()).isEqualTo(20261126L);
        assertThat(p.market().tick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.market().minPrice()).isEqualByComparingTo("10");
        assertThat(p.market().maxPrice()).isEqualByComparingTo("1000");
        assertThat(p.market().spreadBasisPoints()).isEqualTo(5);
        assertThat(p.market().symbols()).hasSize(20).startsWith("AAPL", "MSFT").endsWith("SAP");
        assertThat(p.account().startingCash()).isEqualTo(new BigDecimal("100000.00"));
        assertThat(p.account().currency()).isEqualTo("USD");
        assertThat(p.engine()).isEqualTo(new Engine(Duration.ofSeconds(1), 500));
        assertThat(p.security().argon2()).isEqualTo(new Argon2(19456, 2, 1, Duration.ofSeconds(2)));
        assertThat(p.gateway()).isEqualTo(new Gateway("127.0.0.1", 8080, 8081, null, null, null, null,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(15), 2,
                null, DataSize.parse("256MiB"), null, null));
        assertThat(p.gateway().heap().mebibytes()).isEqualTo(256);
        assertThat(p.kubernetes()).isEqualTo(new KubernetesPod(1000, 2000, DataSize.parse("2048MiB"), 50));
        assertThat(p.kubernetes().memory().mebibytes()).isEqualTo(2048);
    }

    @Test
    void moneyIsReadExactlyWithItsScale() {
        assertThat(cfg.platform().account().startingCash().scale()).isEqualTo(2);
        assertThat(ConfigLoader.loadYaml("platform: { market: { minPrice: 0.10 } }").platform().market().minPrice())
                .isEqualTo(new BigDecimal("0.10"));
    }
}
