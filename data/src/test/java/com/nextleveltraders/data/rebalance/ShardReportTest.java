package com.nextleveltraders.data.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.Transactions;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.FreePorts;
import com.nextleveltraders.embedded.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One real server holding the catalog, shard 1 and (in a second database) shard 2, plus a
 * registered shard 3 whose server does not exist: the report counts users and rows where the
 * directory and the shards' ownership put them, and shows shard 3 as down without failing.
 */
class ShardReportTest {

    private static final int USERS = 40;

    private static Path base;
    private static EmbeddedPostgres server;
    private static PlatformConfig config;
    private static final Map<Integer, Long> usersPerShard = new HashMap<>();
    private static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "nlt-report-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        server = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("pg")));
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(),
                Secrets.read(server.passwordFile()));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE second");
        }
        config = ConfigLoader.loadYaml("""
                platform:
                  api: { instanceId: report }
                  postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                database:
                  pool: { min: 1 }
                """.formatted(server.port(), server.database(), server.user(), server.passwordFile()));
        try (Database database = Database.open(config)) {
            Migrations.apply(database, List.of(
                    RegisteredShard.primaryOnly(1, server.host(), server.port(), server.database()),
                    RegisteredShard.primaryOnly(2, server.host(), server.port(), "second")));
            for (int i = 0; i < USERS; i++) {
                UUID user = UUID.randomUUID();
                int bucket = database.router().bucketOf(user);
                insertUser(database, user, bucket);
                database.write("test_write", user, connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', 100)")) {
                        insert.setObject(1, user);
                        insert.setInt(2, bucket);
                        return insert.executeUpdate();
                    }
                });
                usersPerShard.merge(database.shardFor(user).id(), 1L, Long::sum);
            }
            // A leftover of a bucket shard 1 does not own (as after a move, before the clean-up): not counted.
            int notOwned = ShardRegistry.directory(database.catalog(), 1024)[0] == 1 ? 1 : 0;
            Transactions.inTransaction(database.router().shards().get(0).primary(), connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', 100)")) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setInt(2, notOwned);
                    return insert.executeUpdate();
                }
            });
            closedPort = FreePorts.pick();
            ShardRegistry.register(database.catalog(), RegisteredShard.primaryOnly(3, "127.0.0.1", closedPort, "nlt"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void countsWhereTheDirectoryAndOwnershipPutThemAndShowsADownShardAsDown() {
        ShardReport report = ShardReport.read(config, 0.10);

        assertThat(report.shards()).extracting(ShardStatus::id).containsExactly(1, 2, 3);
        assertThat(report.buckets()).isEqualTo(1024);
        assertThat(report.unassignedBuckets()).isZero();
        assertThat(report.users()).isEqualTo(USERS);
        ShardStatus first = report.shards().get(0);
        ShardStatus second = report.shards().get(1);
        for (ShardStatus shard : List.of(first, second)) {
            assertThat(shard.buckets()).isEqualTo(512);
            assertThat(shard.users()).isEqualTo(usersPerShard.getOrDefault(shard.id(), 0L));
            assertThat(shard.rows()).isEqualTo(shard.users()); // one account each; the leftover is not counted
            assertThat(shard.bytes()).isPositive();
            assertThat(shard.primaryUp()).isTrue();
            assertThat(shard.replica()).isNull();
            assertThat(shard.replicaUp()).isNull();
            assertThat(shard.replicaLagBytes()).isNull();
            assertThat(shard.problems()).isEmpty();
        }
        ShardStatus down = report.shards().get(2);
        assertThat(down.primary()).isEqualTo("127.0.0.1:" + closedPort);
        assertThat(down.primaryUp()).isFalse();
        assertThat(down.buckets()).isZero();
        assertThat(down.rows()).isNull();
        assertThat(down.bytes()).isNull();
        assertThat(down.problems()).singleElement().asString()
                .startsWith("primary 127.0.0.1:" + closedPort + " does not answer: ");
        assertThat(report.rows()).isNull();

        // Shard 3 owns nothing, so its rows are known to be none: the skew counts it as an empty active shard.
        long most = Math.max(first.rows(), second.rows());
        assertThat(report.skewInRows()).isTrue();
        assertThat(report.skew()).isCloseTo((double) most * 3 / USERS, within(1e-9));
        assertThat(report.rebalancingAdvised()).isTrue();
        assertThat(report.skewNote()).isNull();
    }

    @Test
    void aCatalogThatDoesNotAnswerIsUnavailable() {
        int closed = FreePorts.pick();
        PlatformConfig nowhere = ConfigLoader.loadYaml("""
                platform:
                  postgres: { port: %d, user: %s, passwordFile: "%s" }
                """.formatted(closed, server.user(), server.passwordFile()));
        assertThatThrownBy(() -> ShardReport.read(nowhere, 0.10))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("the catalog (127.0.0.1:" + closed + ") does not answer: ");
    }

    @Test
    void theThresholdMustBeFiniteAndNotNegative() {
        assertThatThrownBy(() -> ShardReport.read(config, -0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("skewThreshold must be finite and not negative: -0.1");
        assertThatThrownBy(() -> ShardReport.read(config, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void insertUser(Database database, UUID user, int bucket) {
        Transactions.inTransaction(database.catalog(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO users (id, bucket, email,"
                    + " display_name, password_hash, created_at) VALUES (?, ?, ?, 'U', 'x', ?)")) {
                insert.setObject(1, user);
                insert.setInt(2, bucket);
                insert.setString(3, user + "@example.com");
                insert.setTimestamp(4, Timestamp.from(Instant.now()));
                return insert.executeUpdate();
            }
        });
    }
}
