package com.nextleveltraders.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real PostgreSQL servers: the first holds the catalog and shard 1, the second shard 2. The
 * bucket directory decides where each user's rows go, and the ownership row on the shard fences
 * every write.
 */
class DirectoryRoutingTest {

    private static TestServers servers;
    private static PlatformConfig config;

    @BeforeAll
    static void start() throws Exception {
        servers = TestServers.start("routing", 2);
        config = servers.config();
        servers.migrateWithShards(2);
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void bucketsAreSpreadOverBothShardsAndEachWriteLandsOnItsOwner() {
        try (Database database = Database.open(config)) {
            assertThat(database.router().shards()).extracting(Shard::id).containsExactly(1, 2);
            assertThat(TestRows.count(database.router().shards().get(0).primary(), "SELECT count(*) FROM owned_buckets"))
                    .isEqualTo(512);
            assertThat(TestRows.count(database.router().shards().get(1).primary(), "SELECT count(*) FROM owned_buckets"))
                    .isEqualTo(512);
            for (int i = 0; i < 20; i++) {
                UUID user = UUID.randomUUID();
                insertAccount(database, user);
                Shard owner = database.shardFor(user);
                Shard other = database.router().shards().stream().filter(s -> s.id() != owner.id()).findFirst()
                        .orElseThrow();
                assertThat(accounts(owner.primary(), user)).isEqualTo(1);
                assertThat(accounts(other.primary(), user)).isZero();
            }
        }
    }

    @Test
    void aRouterWithAStaleDirectoryNeverWritesToTheOldOwner() throws Exception {
        try (Database stale = Database.open(config); Database mover = Database.open(config);
                Database reader = Database.open(config)) {
            UUID user = userOnShard(stale, 1);
            int bucket = stale.router().bucketOf(user);
            assertThat(stale.shardFor(user).id()).isEqualTo(1); // cached now
            assertThat(reader.shardFor(user).id()).isEqualTo(1); // and here

            // The bucket moves to shard 2 behind the stale router's back.
            DataSource one = shard(mover, 1);
            DataSource two = shard(mover, 2);
            execute(two, "INSERT INTO owned_buckets (bucket) VALUES (" + bucket + ")");
            execute(mover.catalog(), "UPDATE bucket_directory SET shard_id = 2 WHERE bucket = " + bucket);
            execute(one, "DELETE FROM owned_buckets WHERE bucket = " + bucket);

            insertAccount(stale, user);
            assertThat(accounts(one, user)).as("rows on the old owner").isZero();
            assertThat(accounts(two, user)).as("rows on the new owner").isEqualTo(1);
            assertThat(stale.shardFor(user).id()).isEqualTo(2); // refreshed on the way
            // A reader with the old directory finds the old owner no longer owns the bucket and
            // reads the new one, rather than the old copy.
            long seen = reader.read("test_read", user, connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM accounts WHERE user_id = ?")) {
                    select.setObject(1, user);
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
            assertThat(seen).isEqualTo(1);
            assertThat(reader.shardFor(user).id()).isEqualTo(2);

            // Nobody owns it (a move half done by hand): writes give up with a retryable outage.
            execute(two, "DELETE FROM owned_buckets WHERE bucket = " + bucket);
            UUID neighbour = userInBucket(stale, bucket);
            assertThatThrownBy(() -> insertAccount(stale, neighbour))
                    .isInstanceOf(DatabaseUnavailableException.class).hasMessageContaining("bucket " + bucket);
            assertThat(accounts(one, neighbour) + accounts(two, neighbour)).isZero();
            execute(two, "INSERT INTO owned_buckets (bucket) VALUES (" + bucket + ")");
        }
    }

    @Test
    void oneServerAloneIsTheCatalogAndTheOnlyShard() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nlt-single-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedPostgres only = EmbeddedPostgres.start(PostgresOptions.defaults(dir.resolve("pg")))) {
            PlatformConfig single = ConfigLoader.loadYaml("""
                    platform:
                      postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                    """.formatted(only.port(), only.database(), only.user(), only.passwordFile()));
            try (Database database = Database.open(single)) {
                assertThat(Migrations.apply(database)).isEqualTo(7); // the catalog's three and the shard's four
                assertThat(database.router().shards()).extracting(Shard::id).containsExactly(1);
                assertThat(database.router().shards().getFirst().primary()).isSameAs(database.catalog());
                assertThat(TestRows.count(database.catalog(), "SELECT count(*) FROM owned_buckets")).isEqualTo(1024);
                assertThat(Migrations.apply(database)).as("a second run changes nothing").isZero();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void insertAccount(Database database, UUID user) {
        database.write("test_write", user, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', 100)")) {
                insert.setObject(1, user);
                insert.setInt(2, database.router().bucketOf(user));
                return insert.executeUpdate();
            }
        });
    }

    private static UUID userOnShard(Database database, int shard) {
        while (true) {
            UUID user = UUID.randomUUID();
            if (database.shardFor(user).id() == shard) {
                return user;
            }
        }
    }

    private static UUID userInBucket(Database database, int bucket) {
        while (true) {
            UUID user = UUID.randomUUID();
            if (database.router().bucketOf(user) == bucket) {
                return user;
            }
        }
    }

    private static DataSource shard(Database database, int id) {
        return database.router().shards().stream().filter(s -> s.id() == id).findFirst().orElseThrow().primary();
    }

    private static long accounts(DataSource dataSource, UUID user) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM accounts WHERE user_id = ?")) {
            select.setObject(1, user);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }


    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
    }
}
