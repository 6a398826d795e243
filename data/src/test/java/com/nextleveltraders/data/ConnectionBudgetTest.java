package com.nextleveltraders.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.FreePorts;
import com.nextleveltraders.embedded.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real servers with a small and a large {@code max_connections}: the check names the server that
 * cannot take a full pool from every instance, with its numbers and the settings to change, passes
 * the one that can, and reports a registered server that does not answer.
 */
class ConnectionBudgetTest {

    private static Path base;
    private static EmbeddedPostgres small;
    private static EmbeddedPostgres large;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "nlt-budget-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        small = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("small"))
                .withSettings(Map.of("max_connections", "30")));
        large = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("large"))
                .withSettings(Map.of("max_connections", "300")));
        createDatabase(small, "second");
        createDatabase(large, "other");
    }

    @AfterAll
    static void stop() throws Exception {
        large.close();
        small.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aServerTooSmallForEveryInstancesPoolsIsNamedWithItsNumbersAndTheSettingsToChange() {
        // The catalog and shard 1 share a database (one pool per instance); shard 2 is a second
        // database on the same server, so each instance keeps two pools there.
        try (Database database = Database.open(config(small, small.database()))) {
            Migrations.apply(database, List.of(
                    RegisteredShard.primaryOnly(1, small.host(), small.port(), small.database()),
                    RegisteredShard.primaryOnly(2, small.host(), small.port(), "second")));

            List<String> problems = ConnectionBudget.check(database, 3);

            assertThat(problems).singleElement().asString()
                    .startsWith("catalog, shard 1 primary, shard 2 primary (127.0.0.1:" + small.port() + "): ")
                    .contains("max_connections 30 - superuser_reserved_connections 3 leaves 27")
                    .contains("3 instance(s) (scaling.maxInstances) x 2 pools (databases nlt, second) x 20"
                            + " (database.pool.max) + 5 for tools need 125")
                    .contains("raise the server's max_connections to at least 128")
                    .contains("or lower database.pool.max or scaling.maxInstances");
            // One instance with one pool would fit (20 + 5 <= 27), two pools would not.
            assertThat(ConnectionBudget.check(database, 1)).singleElement().asString().contains("need 45");
        }
    }

    @Test
    void aServerWithRoomForEveryInstancePasses() {
        try (Database database = Database.open(config(large, large.database()))) {
            Migrations.apply(database);

            // 10 instances x 20 + 5 = 205 <= 300 - 3
            assertThat(ConnectionBudget.check(database, 10)).isEmpty();
            // 15 x 20 + 5 = 305 > 297
            assertThat(ConnectionBudget.check(database, 15)).singleElement().asString()
                    .contains("max_connections 300").contains("need 305");
        }
    }

    @Test
    void aRegisteredServerThatDoesNotAnswerIsAProblem() {
        int closed = FreePorts.pick();
        try (Database database = Database.open(config(large, "other"))) {
            Migrations.apply(database);
            ShardRegistry.register(database.catalog(), new RegisteredShard(2, "127.0.0.1", closed, "127.0.0.1",
                    FreePorts.pick(), "nlt", ShardState.DRAINING));

            List<String> problems = ConnectionBudget.check(database, 1);

            assertThat(problems).hasSize(2);
            assertThat(problems.get(0)).startsWith("shard 2 primary (127.0.0.1:" + closed + "): does not answer (")
                    .endsWith("); its max_connections could not be checked");
            assertThat(problems.get(1)).startsWith("shard 2 replica (127.0.0.1:").contains("does not answer");
        }
    }

    @Test
    void instancesMustBePositive() {
        try (Database database = Database.open(config(large, large.database()))) {
            assertThatThrownBy(() -> ConnectionBudget.check(database, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("instances must be positive: 0");
        }
    }

    private static PlatformConfig config(EmbeddedPostgres server, String database) {
        return ConfigLoader.loadYaml("""
                platform:
                  api: { instanceId: budget }
                  postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                database:
                  pool: { min: 1 }
                """.formatted(server.port(), database, server.user(), server.passwordFile()));
    }

    private static void createDatabase(EmbeddedPostgres server, String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(),
                Secrets.read(server.passwordFile()));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
    }
}
