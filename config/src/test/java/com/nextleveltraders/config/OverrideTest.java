package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverrideTest {

    @TempDir
    Path dir;

    private final PlatformConfig defaults = ConfigLoader.defaults();

    @Test
    void overridingOneLeafKeepsEverythingElseAtItsDefault() {
        PlatformConfig cfg = ConfigLoader.loadYaml("database:\n  pool:\n    idleTimeout: 45s\n");

        assertThat(cfg.database().pool().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        DbPool expectedPool = new DbPool(5, 20, Duration.ofSeconds(45), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(30), defaults.database().pool().ssl());
        PlatformConfig expected = new PlatformConfig(defaults.scaling(), defaults.loadBalancer(),
                new DatabaseSettings(expectedPool, defaults.database().sharding(), defaults.database().replication(), 20,
                        defaults.database().failover()), defaults.caching(), defaults.redis(),
                defaults.monitoring(), defaults.autoScaling(), defaults.query(), defaults.assets(),
                defaults.capacity(), defaults.platform());
        assertThat(cfg).isEqualTo(expected);
    }

    @Test
    void filesAreMergedInOrderAndLaterFilesWin() throws IOException {
        Path first = write("first.yaml", """
                scaling: { minInstances: 4, maxInstances: 12 }
                platform:
                  api: { port: 9000 }
                """);
        Path second = write("second.yaml", """
                scaling:
                  maxInstances: 15
                """);

        PlatformConfig cfg = ConfigLoader.load(List.of(first, second));

        assertThat(cfg.scaling().minInstances()).isEqualTo(4);
        assertThat(cfg.scaling().maxInstances()).isEqualTo(15);
        assertThat(cfg.scaling().regions()).isEqualTo(defaults.scaling().regions());
        assertThat(cfg.platform().api().port()).isEqualTo(9000);
        assertThat(cfg.platform().api().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void listsAreReplacedWholeNotMerged() {
        PlatformConfig cfg = ConfigLoader.loadYaml("""
                scaling: { regions: [ams3] }
                platform: { api: { region: ams3 } }
                redis:
                  nodes:
                    - { host: cache.internal, port: 6380, role: master }
                """);

        assertThat(cfg.scaling().regions()).containsExactly("ams3");
        assertThat(cfg.redis().nodes()).containsExactly(new RedisNode("cache.internal", 6380, RedisRole.MASTER));
        assertThat(cfg.redis().options()).isEqualTo(defaults.redis().options());
    }

    @Test
    void pathsCanBeSetAndUnsetAgain() throws IOException {
        PlatformConfig withFiles = ConfigLoader.loadYaml("""
                database: { pool: { ssl: { ca: /etc/nlt/root.crt } } }
                platform: { postgres: { passwordFile: secrets/pg } }
                """);
        assertThat(withFiles.database().pool().ssl().ca()).isEqualTo(Path.of("/etc/nlt/root.crt"));
        assertThat(withFiles.platform().postgres().passwordFile()).isEqualTo(Path.of("secrets/pg"));

        Path set = write("set.yaml", "platform: { redis: { passwordFile: /run/redis.pw } }");
        Path unset = write("unset.yaml", "platform:\n  redis:\n    passwordFile:\n");
        assertThat(ConfigLoader.load(List.of(set, unset)).platform().redis().passwordFile()).isNull();
        assertThat(ConfigLoader.load(List.of(set)).platform().redis().passwordFile())
                .isEqualTo(Path.of("/run/redis.pw"));
    }

    @Test
    void quotedNumbersAndYamlOneOneWordsAreReadAsWritten() {
        PlatformConfig cfg = ConfigLoader.loadYaml("""
                platform:
                  api: { port: "8443", instanceId: no }
                  account: { currency: NOK }
                """);
        assertThat(cfg.platform().api().port()).isEqualTo(8443);
        assertThat(cfg.platform().api().instanceId()).isEqualTo("no");
        assertThat(cfg.platform().account().currency()).isEqualTo("NOK");
    }

    @Test
    void aMissingFileIsRefusedByName() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(List.of(missing)))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.problems()).containsExactly(missing + ": no such file"));
    }

    @Test
    void aDirectoryIsRefusedByName() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(dir)))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.problems()).singleElement().asString().startsWith(dir + ": cannot be read"));
    }

    @Test
    void malformedYamlIsRefusedWithFileAndLine() throws IOException {
        Path bad = write("bad.yaml", "scaling:\n  regions: [fra1\n  minInstances: 2\n");

        assertThatThrownBy(() -> ConfigLoader.load(List.of(bad)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith(bad + ": malformed YAML at line 3"));
    }

    @Test
    void problemsOfEveryFileAreReportedTogether() throws IOException {
        Path bad = write("bad.yaml", "a: [\n");
        Path notUtf8 = dir.resolve("latin1.yaml");
        Files.write(notUtf8, "platform: { account: { currency: \u00c9UR } }".getBytes(StandardCharsets.ISO_8859_1));
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(List.of(bad, notUtf8, missing)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactly(
                        p -> assertThat(p).startsWith(bad + ": malformed YAML"),
                        p -> assertThat(p).isEqualTo(notUtf8 + ": not UTF-8 text"),
                        p -> assertThat(p).isEqualTo(missing + ": no such file")));
    }

    @Test
    void aByteOrderMarkIsIgnored() throws IOException {
        Path file = write("bom.yaml", "\uFEFFscaling: { minInstances: 2 }\n");

        assertThat(ConfigLoader.load(List.of(file)).scaling().minInstances()).isEqualTo(2);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
