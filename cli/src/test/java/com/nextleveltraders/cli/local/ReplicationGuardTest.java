package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import com.nextleveltraders.testkit.MutableClock;
import com.nextleveltraders.testkit.Polling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * database.replication.aloneAfter on real servers: a primary whose replica is gone waits, until the
 * guard's clock says the replica has been gone long enough; then it commits alone, and waits for
 * the replica again once the replica streams.
 */
class ReplicationGuardTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void liftsTheRequirementAfterAloneAfterAndRestoresItWhenTheReplicaStreams() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nlt-replication-guard-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path replicaDir = dir.resolve("replica");
        String name = ReplicaOptions.slotFor(replicaDir);
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(dir.resolve("primary"))
                .withSynchronousReplica(name, "on"))) {
            PlatformConfig config = ConfigLoader.loadYaml("database: { replication: { aloneAfter: 30s } }\n"
                    + "platform: { postgres: { host: " + primary.host() + ", port: " + primary.port()
                    + ", database: " + primary.database() + ", user: " + primary.user() + ", passwordFile: \""
                    + primary.passwordFile() + "\" } }\n");
            EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(replicaDir, primary));
            RegisteredShard shard = new RegisteredShard(1, primary.host(), primary.port(), replica.host(),
                    replica.port(), primary.database(), ShardState.ACTIVE);
            MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
            ReplicationGuard guard = new ReplicationGuard(config, () -> List.of(shard), clock);
            assertThat(guard.active()).isTrue();
            try (Connection p = connect(primary); Statement ps = p.createStatement()) {
                awaitValue(ps, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'", "1");
                ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                guard.check();
                assertThat(value(ps, "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (" + name + ")");

                replica.close();
                guard.check(); // the replica is seen gone now
                CompletableFuture<Void> write = CompletableFuture.runAsync(() -> insert(primary, 1));
                awaitValue(ps, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", "1");

                clock.advance(Duration.ofSeconds(29));
                guard.check();
                assertThat(value(ps, "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (" + name + ")");
                assertThat(write).isNotDone();

                clock.advance(Duration.ofSeconds(1));
                guard.check();
                // The reload releases the waiting commit; the primary now commits alone.
                write.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                awaitValue(ps, "SHOW synchronous_standby_names", "");
                insert(primary, 2);

                try (EmbeddedPostgresReplica back = EmbeddedPostgresReplica.start(
                        ReplicaOptions.of(replicaDir, primary))) {
                    Polling.until(BOUND, "the guard restores the requirement once the replica streams", () -> {
                        guard.check();
                        try {
                            String names = value(ps, "SHOW synchronous_standby_names");
                            return names.equals("ANY 1 (" + name + ")") ? null : "synchronous_standby_names '"
                                    + names + "'";
                        } catch (SQLException e) {
                            return e.toString();
                        }
                    });
                    awaitValue(ps, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'", "1");
                    insert(primary, 3);
                    try (Connection r = DriverManager.getConnection(back.jdbcUrl(primary.database()), back.user(),
                            Secrets.read(back.passwordFile())); Statement rs = r.createStatement()) {
                        awaitValue(rs, "SELECT count(*) FROM orders", "3");
                    }
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void doesNothingWhenCommitsDoNotWaitOrWaitForever() {
        assertThat(new ReplicationGuard(ConfigLoader.defaults(), List::of, java.time.Clock.systemUTC()).active())
                .as("aloneAfter: never").isFalse();
        assertThat(new ReplicationGuard(ConfigLoader.loadYaml(
                "database: { replication: { synchronous: local, aloneAfter: 5s } }"), List::of,
                java.time.Clock.systemUTC()).active()).as("asynchronous").isFalse();
    }

    private static Connection connect(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), Secrets.read(pg.passwordFile()));
    }

    private static void insert(EmbeddedPostgres primary, int id) {
        try (Connection c = connect(primary); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders VALUES (" + id + ")");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitValue(Statement statement, String sql, String expected) throws InterruptedException {
        Polling.until(BOUND, sql + " returns " + expected, () -> {
            try {
                String got = value(statement, sql);
                return expected.equals(got) ? null : "returns " + got;
            } catch (SQLException e) {
                return e.toString();
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
