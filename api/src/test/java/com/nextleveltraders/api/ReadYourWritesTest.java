package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.RedisWritePositions;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import com.nextleveltraders.testkit.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A shard with a real streaming replica: reads go to the replica, except a user's reads while the
 * replica has not replayed that user's last write, which go to the primary; with the replica held
 * back (replay paused) or stopped, every read still sees the user's own writes.
 */
class ReadYourWritesTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void readsFollowTheUsersOwnWritesWhateverTheReplicaDoes() throws Exception {
        TestPlatform platform = TestPlatform.get(); // its Redis holds the write positions
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-ryw-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("primary")));
                EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(
                        ReplicaOptions.of(base.resolve("replica"), primary))) {
            PlatformConfig config = ConfigLoader.loadYaml("""
                    redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                    platform:
                      api: { instanceId: ryw }
                      postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                      redis: { passwordFile: "%s" }
                    """.formatted(platform.redis.port(), primary.port(), primary.database(), primary.user(),
                    primary.passwordFile(), platform.redis.passwordFile()));
            try (Database database = Database.open(config); RedisConnections redis = RedisConnections.open(config)) {
                Migrations.apply(database, List.of(new RegisteredShard(1, primary.host(), primary.port(),
                        replica.host(), replica.port(), primary.database(), ShardState.ACTIVE)));
                database.useWritePositions(new RedisWritePositions(redis, Duration.ofSeconds(5)));
                UUID writer = UUID.randomUUID();
                UUID bystander = UUID.randomUUID();
                setCash(database, writer, "100");
                setCash(database, bystander, "7");

                // Once the replica has the writes, it serves both users.
                Polling.until(BOUND, "the replica serves the writer", () -> {
                    long before = database.replicaReads();
                    String cash = cash(database, writer);
                    return cash.equals("100.00") && database.replicaReads() > before ? null : cash;
                });

                // Replica held back: the writer's new write is read from the primary, at once.
                String replicaUrl = replica.jdbcUrl(primary.database());
                String password = Files.readString(primary.passwordFile()).strip();
                try (Connection standby = DriverManager.getConnection(replicaUrl, primary.user(), password);
                        Statement statement = standby.createStatement()) {
                    statement.execute("SELECT pg_wal_replay_pause()");
                    setCash(database, writer, "200");
                    long primaryBefore = database.primaryReads();
                    assertThat(cash(database, writer)).isEqualTo("200.00");
                    assertThat(database.primaryReads()).isEqualTo(primaryBefore + 1);
                    // The replica really is behind: it still has the old value.
                    try (ResultSet rs = statement.executeQuery(
                            "SELECT cash FROM accounts WHERE user_id = '" + writer + "'")) {
                        rs.next();
                        assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("100");
                    }
                    // Someone who did not write meanwhile still reads from the replica.
                    long replicaBefore = database.replicaReads();
                    assertThat(cash(database, bystander)).isEqualTo("7.00");
                    assertThat(database.replicaReads()).isEqualTo(replicaBefore + 1);
                    statement.execute("SELECT pg_wal_replay_resume()");
                }
                Polling.until(BOUND, "the replica serves the writer again", () -> {
                    long before = database.replicaReads();
                    String cash = cash(database, writer);
                    return cash.equals("200.00") && database.replicaReads() > before ? null : cash;
                });

                // Replica stopped: reads go on from the primary.
                replica.close();
                setCash(database, writer, "300");
                assertThat(cash(database, writer)).isEqualTo("300.00");
                assertThat(cash(database, bystander)).isEqualTo("7.00");
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }

    @Test
    void throughTheApiAUsersNewOrderShowsAtOnceWhileTheReplicaIsHeldBack() throws Exception {
        TestPlatform platform = TestPlatform.get();
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-ryw-api-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("primary")));
                EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(
                        ReplicaOptions.of(base.resolve("replica"), primary))) {
            PlatformConfig config = platform.instanceOf(primary, "ryw-api");
            try (Database database = Database.open(config)) {
                Migrations.apply(database, List.of(new RegisteredShard(1, primary.host(), primary.port(),
                        replica.host(), replica.port(), primary.database(), ShardState.ACTIVE)));
            }
            try (ApiInstance api = ApiInstance.start(config, java.time.Clock.systemUTC(), false)) {
                ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
                ApiClient.Trader trader = client.newTrader();
                ApiClient.Trader other = client.newTrader();
                Polling.until(BOUND, "the replica serves order lists", () -> {
                    long before = api.database().replicaReads();
                    client.get("/api/orders", other.token());
                    return api.database().replicaReads() > before ? null : "primary";
                });
                String password = Files.readString(primary.passwordFile()).strip();
                try (Connection standby = DriverManager.getConnection(replica.jdbcUrl(primary.database()),
                        primary.user(), password); Statement statement = standby.createStatement()) {
                    statement.execute("SELECT pg_wal_replay_pause()");
                    String id = client.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\","
                            + "\"quantity\":\"1\",\"limitPrice\":\"1\"}").json().get("id").asText();
                    assertThat(client.get("/api/orders", trader.token()).json().get("items").get(0).get("id").asText())
                            .isEqualTo(id);
                    assertThat(client.get("/api/orders/" + id, trader.token()).status()).isEqualTo(200);
                    long replicaBefore = api.database().replicaReads();
                    assertThat(client.get("/api/orders", other.token()).status()).isEqualTo(200);
                    assertThat(api.database().replicaReads()).isEqualTo(replicaBefore + 1);
                    // Held back behind a write, the replica's lag shows on the instance's metrics...
                    Polling.until(BOUND, "the replica's lag shown above 0", () -> {
                        double lag = replicaLag(client);
                        return lag > 0 ? null : "lag " + lag;
                    });
                    statement.execute("SELECT pg_wal_replay_resume()");
                }
                // ...and goes back to 0 once it has caught up.
                Polling.until(BOUND, "the replica's lag shown as 0", () -> {
                    double lag = replicaLag(client);
                    return lag == 0 ? null : "lag " + lag;
                });
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }

    /** {@code db_replica_lag_seconds} of shard 1 on the instance's metrics; NaN when not shown. */
    private static double replicaLag(ApiClient client) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "^db_replica_lag_seconds\\{shard=\"1\"\\} (\\S+)$", java.util.regex.Pattern.MULTILINE)
                .matcher(client.get("/metrics", null).text());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static void setCash(Database database, UUID user, String cash) {
        database.write("test_write", user, connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', ?::numeric) "
                            + "ON CONFLICT (user_id) DO UPDATE SET cash = excluded.cash")) {
                upsert.setObject(1, user);
                upsert.setInt(2, database.router().bucketOf(user));
                upsert.setString(3, cash);
                return upsert.executeUpdate();
            }
        });
    }

    private static String cash(Database database, UUID user) {
        return database.read("test_read", user, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT cash FROM accounts WHERE user_id = ?")) {
                select.setObject(1, user);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getBigDecimal(1).toPlainString() : "none";
                }
            }
        });
    }
}
