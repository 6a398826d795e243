package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.traversable;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTest {

    @TempDir
    Path tmp;

    @Test
    void serversStopWhenTheLauncherIsKilled() throws Exception {
        traversable(tmp);
        Process launcher = new ProcessBuilder("sleep", "300").start();
        EmbeddedPostgres pg = null;
        EmbeddedRedis redis = null;
        try {
            pg = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg")).withWatchPid(launcher.pid()));
            redis = EmbeddedRedis.start(RedisServerOptions.defaults(tmp.resolve("redis")).withWatchPid(launcher.pid()));
            assertThat(TestProcesses.running(pg.pid())).isTrue();
            assertThat(TestProcesses.running(redis.pid())).isTrue();

            launcher.destroyForcibly().waitFor();

            awaitGone(Duration.ofSeconds(10), pg.pid(), redis.pid());
            // Stopped, not killed: PostgreSQL ran its shutdown checkpoint.
            assertThat(Files.readString(pg.logFile())).contains("database system is shut down");
        } finally {
            launcher.destroyForcibly();
            if (pg != null) {
                pg.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
        assertThat(liveDescendants()).isEmpty();
    }
}
