package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The settings of how `nlt up` and `nlt k8s export` size what they start or describe refuse what cannot work. */
class LauncherSettingsTest {

    private final PlatformConfig defaults = ConfigLoader.defaults();

    @Test
    void reservedConnectionsRangeFromZeroToTenThousand() {
        DatabaseSettings d = defaults.database();
        assertThat(new DatabaseSettings(d.pool(), d.sharding(), d.replication(), 0, d.failover()).reservedConnections()).isZero();
        assertThat(new DatabaseSettings(d.pool(), d.sharding(), d.replication(), 10_000, d.failover()).reservedConnections()).isEqualTo(10_000);
        assertThatThrownBy(() -> new DatabaseSettings(d.pool(), d.sharding(), d.replication(), -1, d.failover()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservedConnections");
        assertThatThrownBy(() -> new DatabaseSettings(d.pool(), d.sharding(), d.replication(), 10_001, d.failover()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservedConnections");
        RefusalTest.problemsOf("database: { reservedConnections: -1 }")
                .containsExactly("database.reservedConnections: must be between 0 and 10000 (got -1)");
    }

    @Test
    void theGatewayHeapIsAWholeNumberOfMibOfAtLeast64() {
        assertThat(ConfigLoader.loadYaml("platform: { gateway: { heap: 1GiB } }").platform().gateway().heap().mebibytes())
                .isEqualTo(1024);
        assertThat(ConfigLoader.loadYaml("platform: { gateway: { heap: 64MiB } }").platform().gateway().heap().mebibytes())
                .isEqualTo(64);
        RefusalTest.problemsOf("platform: { gateway: { heap: 63MiB } }")
                .containsExactly("platform.gateway.heap: must be a whole number of MiB, at least 64MiB (got 63MiB)");
        RefusalTest.problemsOf("platform: { gateway: { heap: 256MB } }")
                .containsExactly("platform.gateway.heap: must be a whole number of MiB, at least 64MiB (got 256MB)");
    }

    @Test
    void aPodsCpuLimitIsAtLeastItsRequestAndItsHeapAShareOfItsMemory() {
        KubernetesPod pod = defaults.platform().kubernetes();
        assertThat(new KubernetesPod(500, 500, pod.memory(), 100).cpuLimitMillis()).isEqualTo(500);
        assertThatThrownBy(() -> new KubernetesPod(0, 1, pod.memory(), 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpuRequestMillis");
        assertThatThrownBy(() -> new KubernetesPod(1000, 999, pod.memory(), 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpuLimitMillis");
        assertThatThrownBy(() -> new KubernetesPod(1000, 2000, pod.memory(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heapPercent");
        assertThatThrownBy(() -> new KubernetesPod(1000, 2000, pod.memory(), 101))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heapPercent");
        RefusalTest.problemsOf("platform: { kubernetes: { memory: 64MiB } }")
                .containsExactly("platform.kubernetes.memory: must be a whole number of MiB, at least 128MiB (got 64MiB)");
    }

    @Test
    void aRequestMayWaitForAConnectionAndThenRunOneStatement() {
        PlatformConfig config = ConfigLoader.loadYaml(
                "database: { pool: { connectionTimeout: 1500ms, statementTimeout: 30s } }");

        assertThat(config.database().pool().requestTimeout()).isEqualTo(Duration.ofMillis(31_500));
    }
}
