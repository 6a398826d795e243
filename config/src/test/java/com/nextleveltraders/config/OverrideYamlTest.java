package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Override files written from records standing for part of the configuration. */
class OverrideYamlTest {

    private record Root(RedisPart redis, PlatformPart platform) {
    }

    private record RedisPart(List<RedisNode> nodes, SentinelPart sentinel) {
    }

    private record SentinelPart(List<RedisAddress> nodes) {
    }

    private record PlatformPart(PostgresEndpoint postgres, GatewayPart gateway) {
    }

    private record GatewayPart(int port, Path certificate) {
    }

    private record Misspelt(PlatformPart platfrom) {
    }

    private record Mistyped(WrongPort platform) {
    }

    private record WrongPort(ApiPart api) {
    }

    private record ApiPart(String port) {
    }

    @Test
    void aPartSetsExactlyItsKeysAndLeavesTheRestToTheFilesBelow() {
        PostgresEndpoint postgres = new PostgresEndpoint("127.0.0.1", 40001, "nlt", "nlt", Path.of("/data/pg pass"));
        List<RedisNode> nodes = List.of(new RedisNode("127.0.0.1", 40002, RedisRole.MASTER),
                new RedisNode("127.0.0.1", 40003, RedisRole.REPLICA));
        List<RedisAddress> sentinels = List.of(new RedisAddress("127.0.0.1", 40004),
                new RedisAddress("127.0.0.1", 40005), new RedisAddress("127.0.0.1", 40006));
        Root part = new Root(new RedisPart(nodes, new SentinelPart(sentinels)),
                new PlatformPart(postgres, new GatewayPart(9443, null)));

        String yaml = ConfigLoader.toOverrideYaml(part);
        PlatformConfig loaded = ConfigLoader.loadYaml(yaml);

        assertThat(yaml).isEqualTo("""
                redis:
                  nodes:
                    - { host: "127.0.0.1", port: 40002, role: master }
                    - { host: "127.0.0.1", port: 40003, role: replica }
                  sentinel:
                    nodes:
                      - { host: "127.0.0.1", port: 40004 }
                      - { host: "127.0.0.1", port: 40005 }
                      - { host: "127.0.0.1", port: 40006 }
                platform:
                  postgres:
                    host: "127.0.0.1"
                    port: 40001
                    database: nlt
                    user: nlt
                    passwordFile: "/data/pg pass"
                  gateway:
                    port: 9443
                """);
        PlatformConfig defaults = ConfigLoader.defaults();
        assertThat(loaded.redis().nodes()).isEqualTo(nodes);
        assertThat(loaded.redis().sentinel().nodes()).isEqualTo(sentinels);
        assertThat(loaded.redis().sentinel().masterName()).isEqualTo(defaults.redis().sentinel().masterName());
        assertThat(loaded.platform().postgres()).isEqualTo(postgres);
        assertThat(loaded.platform().gateway().port()).isEqualTo(9443);
        assertThat(loaded.platform().gateway().certificate()).isNull();
        assertThat(loaded.platform().gateway().drainTimeout()).isEqualTo(defaults.platform().gateway().drainTimeout());
    }

    @Test
    void aNullPartOrValueIsLeftOutRatherThanWrittenAsNull() {
        String yaml = ConfigLoader.toOverrideYaml(new Root(null, new PlatformPart(null, new GatewayPart(0, null))));

        assertThat(yaml).isEqualTo("platform:\n  gateway:\n    port: 0\n");
    }

    @Test
    void aComponentThatIsNoKeyOfTheConfigurationIsRefusedWithItsPath() {
        assertThatThrownBy(() -> ConfigLoader.toOverrideYaml(new Misspelt(null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("platfrom: not a key of the configuration");
    }

    @Test
    void aComponentOfAnotherTypeThanTheConfigurationsIsRefusedWithItsPath() {
        assertThatThrownBy(() -> ConfigLoader.toOverrideYaml(new Mistyped(new WrongPort(new ApiPart("80")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("platform.api.port: is a int in the configuration, not a java.lang.String");
    }
}
