package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisTest {

    @TempDir
    Path tmp;

    @Test
    void valuesSurviveARestartThroughTheAppendOnlyFile() throws Exception {
        RedisServerOptions options = RedisServerOptions.defaults(tmp.resolve("redis"))
                .withSettings(Map.of("maxmemory", "64mb"));
        String password;
        try (EmbeddedRedis redis = EmbeddedRedis.start(options)) {
            password = password(redis.passwordFile());
            assertThat(Files.getPosixFilePermissions(redis.passwordFile()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(TestProcesses.commandLine(redis.pid())).doesNotContain(password);
            assertThat(tmp.resolve("redis/redis.pid")).content().isEqualToIgnoringWhitespace(Long.toString(redis.pid()));
            try (RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
                assertThat(client.call("SET", "k", "v")).startsWith("-NOAUTH");
                assertThat(client.call("AUTH", password)).isEqualTo("+OK");
                assertThat(client.call("SET", "quote:ACME", "101.25")).isEqualTo("+OK");
                assertThat(client.call("CONFIG", "GET", "maxmemory")).isNotNull();
            }
        }
        assertThat(tmp.resolve("redis/appendonly.aof")).exists();
        assertThat(tmp.resolve("redis/redis.pid")).doesNotExist();
        assertThat(liveDescendants()).isEmpty();

        try (EmbeddedRedis redis = EmbeddedRedis.start(options);
             RedisTestClient client = new RedisTestClient(redis.host(), redis.port())) {
            assertThat(password(redis.passwordFile())).isEqualTo(password);
            assertThat(client.call("AUTH", password)).isEqualTo("+OK");
            assertThat(client.call("GET", "quote:ACME")).isEqualTo("101.25");
        }
        assertThat(liveDescendants()).isEmpty();
        assertThat(Files.readString(options.logFile())).doesNotContain(password);
    }

    @Test
    void stopsAServerLeftRunningOnTheSameDirectory() throws Exception {
        RedisServerOptions options = RedisServerOptions.defaults(tmp.resolve("redis"));
        EmbeddedRedis orphan = EmbeddedRedis.start(options);
        // Kill only the watchdog: the server keeps running with nobody to stop it, as after a crashed launcher.
        ProcessHandle.current().children()
                .filter(child -> child.descendants().anyMatch(d -> d.pid() == orphan.pid()))
                .forEach(ProcessHandle::destroyForcibly);
        assertThat(TestProcesses.running(orphan.pid())).isTrue();

        try (EmbeddedRedis redis = EmbeddedRedis.start(options)) {
            assertThat(TestProcesses.running(orphan.pid())).isFalse();
            assertThat(redis.pid()).isNotEqualTo(orphan.pid());
        } finally {
            orphan.close();
        }
        awaitGone(Duration.ofSeconds(5), orphan.pid());
        assertThat(liveDescendants()).isEmpty();
    }
}
