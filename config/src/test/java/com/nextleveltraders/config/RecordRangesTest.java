package com.nextleveltraders.config;

import static com.nextleveltraders.config.RefusalTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each record checks the ranges of its own values: one out of range cannot be built, in code or from YAML. */
class RecordRangesTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void aRecordOutOfRangeIsRefusedNamingEveryComponentOutOfRangeAndItsValue() {
        assertThatThrownBy(() -> new RateLimit(0, Duration.ZERO, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RateLimit.requests: must be >= 1 (got 0); RateLimit.period: must be > 0 (got 0s); "
                        + "RateLimit.burst: must be >= 1 (got -1)");
        assertThat(new RateLimit(1, SECOND, 1).requests()).isEqualTo(1);
    }

    @Test
    void listElementsAreNamedByTheirIndex() {
        assertThatThrownBy(() -> new Scaling(1, 2, List.of("fra1", " ", "fra1"),
                ConfigLoader.defaults().scaling().triggers()))
                .hasMessage("Scaling.regions[1]: must not be blank; "
                        + "Scaling.regions[2]: duplicate of Scaling.regions[0] (\"fra1\")");
        assertThatThrownBy(() -> new Market(1, SECOND, new BigDecimal("10"), new BigDecimal("20"), 5,
                List.of("AAPL", "aapl")))
                .hasMessage("Market.symbols[1]: must be an upper-case ticker such as AAPL or BRK.B (got \"aapl\")");
    }

    @Test
    void endpointsNeedAHostAndARealPortWhileListenersMayAskForAnyFreePort() {
        assertThatThrownBy(() -> new RedisNode("", 0, RedisRole.MASTER))
                .hasMessage("RedisNode.host: must not be blank; RedisNode.port: must be between 1 and 65535 (got 0)");
        assertThatThrownBy(() -> new PostgresEndpoint("db", 65_536, "nlt", "nlt", null))
                .hasMessage("PostgresEndpoint.port: must be between 1 and 65535 (got 65536)");
        assertThat(new ApiServer("127.0.0.1", 0, new DataSize(1), "fra1", "api-1", DataSize.parse("128MiB")).port())
                .isZero();
        assertThatThrownBy(() -> new ApiServer("127.0.0.1", -1, new DataSize(0), "fra1", "", DataSize.parse("100MiB")))
                .hasMessage("ApiServer.port: must be between 0 and 65535 (got -1); "
                        + "ApiServer.maxRequestBody: must be > 0 (got 0B); ApiServer.instanceId: must not be blank; "
                        + "ApiServer.heap: must be a whole number of MiB, at least 128MiB (got 100MiB)");
    }

    @Test
    void poolTimeoutsArePositiveAndTheConnectionTimeoutAtLeastHikarisFloor() {
        DbSsl ssl = new DbSsl(true, null);
        assertThatThrownBy(() -> new DbPool(-1, 0, Duration.ZERO, Duration.ofMillis(249), SECOND, SECOND, ssl))
                .hasMessage("DbPool.min: must be >= 0 (got -1); DbPool.max: must be >= 1 (got 0); "
                        + "DbPool.idleTimeout: must be > 0 (got 0s); DbPool.connectionTimeout: must be >= 250ms (got 249ms)");
    }

    @Test
    void percentagesLieBetweenZeroAndHundred() {
        assertThatThrownBy(() -> new PercentAlert(101, SECOND, AlertAction.ALERT))
                .hasMessage("PercentAlert.threshold: must be between 0 and 100 (got 101)");
        assertThatThrownBy(() -> new ErrorRateAlert(-0.5, SECOND, AlertAction.ALERT))
                .hasMessage("ErrorRateAlert.threshold: must be between 0 and 100 (got -0.5)");
        assertThatThrownBy(() -> new ScaleDownRule(30, Duration.ZERO, 0))
                .hasMessage("ScaleDownRule.duration: must be > 0 (got 0s); ScaleDownRule.decrement: must be >= 1 (got 0)");
    }

    @Test
    void moneyAndCurrencyAreChecked() {
        assertThatThrownBy(() -> new Account(new BigDecimal("-0.001"), "usd"))
                .hasMessage("Account.startingCash: must be >= 0 (got -0.001); "
                        + "Account.startingCash: must have at most 2 decimal places (got -0.001); "
                        + "Account.currency: must be three upper-case letters (got \"usd\")");
    }

    @Test
    void redisRefusesTwoNodesAtOneAddressAndANonPositiveCommandTimeout() {
        RedisCluster defaults = ConfigLoader.defaults().redis();
        RedisNode master = new RedisNode("a", 1, RedisRole.MASTER);
        assertThatThrownBy(() -> new RedisCluster(defaults.mode(), List.of(master, master), defaults.options(),
                Duration.ZERO, defaults.sentinel(), defaults.cluster(), defaults.persistence(), defaults.durability()))
                .hasMessage("RedisCluster.nodes[1]: same host and port as RedisCluster.nodes[0] (\"a:1\"); "
                        + "RedisCluster.commandTimeout: must be > 0 (got 0s)");
    }

    @Test
    void theGatewayAndArgon2CheckTheirOwnValues() {
        assertThatThrownBy(() -> new Gateway("", 8443, 8444, null, null, null, null, SECOND, SECOND, SECOND,
                SECOND, 10, null, DataSize.parse("100MB"), null, null))
                .hasMessage("Gateway.host: must not be blank; Gateway.retries: must be between 0 and 9 (got 10); "
                        + "Gateway.heap: must be a whole number of MiB, at least 64MiB (got 100MB)");
        assertThat(new Gateway("h", 0, 0, Path.of("c"), Path.of("k"), null, null, SECOND, SECOND, SECOND, SECOND, 0,
                null, DataSize.parse("64MiB"), Path.of("web/dist"), null).retries()).isZero();
        assertThatThrownBy(() -> new Argon2(19456, 0, 1, Duration.ZERO))
                .hasMessage("Argon2.iterations: must be >= 1 (got 0); Argon2.maxWait: must be > 0 (got 0s)");
    }

    @Test
    void fromYamlTheSameChecksNameTheYamlPathAndKey() {
        problemsOf("caching: { cdn: { static: 0s } }").containsExactly("caching.cdn.static: must be > 0 (got 0s)");
        assertThatThrownBy(() -> new CacheTtls(Duration.ZERO, SECOND, SECOND))
                .hasMessage("CacheTtls.staticAssets: must be > 0 (got 0s)");
        problemsOf("platform: { authRateLimit: { requests: 0 } }")
                .containsExactly("platform.authRateLimit.requests: must be >= 1 (got 0)");
        problemsOf("redis: { commandTimeout: 0s }").containsExactly("redis.commandTimeout: must be > 0 (got 0s)");
        problemsOf("platform: { security: { argon2: { maxWait: 0s } } }")
                .containsExactly("platform.security.argon2.maxWait: must be > 0 (got 0s)");
    }

    @Test
    void aValueOutOfRangeDoesNotHideProblemsAroundIt() {
        // The list element out of range, its parent's own check and a rule between records are all reported.
        problemsOf("""
                redis:
                  nodes:
                    - { host: a, port: 0, role: master }
                    - { host: a, port: 0, role: master }
                  commandTimeout: 0s
                """).containsExactly(
                "redis.nodes[0].port: must be between 1 and 65535 (got 0)",
                "redis.nodes[1].port: must be between 1 and 65535 (got 0)",
                "redis.nodes[1]: same host and port as redis.nodes[0] (\"a:0\")",
                "redis.commandTimeout: must be > 0 (got 0s)",
                "redis.nodes: must have exactly one node with role master (found 2)");
    }
}
