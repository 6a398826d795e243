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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shard's bucket indexes are built CONCURRENTLY, outside a transaction, so a build cut short
 * leaves an INVALID index behind and no record of the migration. Run again, the migration must
 * end with every index valid, not keep the broken one because its name exists.
 */
class InterruptedIndexBuildTest {

    /** The shard schema's; the catalog's own users_bucket_idx shares this single server. */
    private static final String SHARD_INDEXES =
            "'accounts_bucket_idx', 'orders_bucket_idx', 'trades_bucket_idx', 'positions_bucket_idx'";

    private static Path base;
    private static EmbeddedPostgres server;
    private static PlatformConfig config;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "nlt-index-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        server = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("pg")));
        config = ConfigLoader.loadYaml("""
                platform:
                  api: { instanceId: index }
                  postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                """.formatted(server.port(), server.database(), server.user(), server.passwordFile()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aBuildCutShortIsRebuiltWhenTheMigrationRunsAgain() throws Exception {
        try (Database database = Database.open(config)) {
            Migrations.apply(database);
            DataSource shard = database.router().shards().get(0).primary();
            assertThat(bucketIndexes(shard)).containsOnly(
                    Map.entry("accounts_bucket_idx", true), Map.entry("orders_bucket_idx", true),
                    Map.entry("trades_bucket_idx", true), Map.entry("positions_bucket_idx", true));

            // Two accounts in one bucket, then a build under the index's name that fails part way
            // (a unique index over a repeated value): PostgreSQL keeps it, marked invalid, as it
            // does after a crash or a cancel during CREATE INDEX CONCURRENTLY.
            execute(shard, """
                    INSERT INTO accounts (user_id, bucket, currency, cash) VALUES
                      (gen_random_uuid(), 7, 'USD', 1), (gen_random_uuid(), 7, 'USD', 1)""");
            execute(shard, "DROP INDEX accounts_bucket_idx");
            assertThatThrownBy(() -> execute(shard,
                    "CREATE UNIQUE INDEX CONCURRENTLY accounts_bucket_idx ON accounts (bucket)"))
                    .isInstanceOf(SQLException.class);
            assertThat(bucketIndexes(shard)).containsEntry("accounts_bucket_idx", false);
            // V3 was not recorded as done, as when its run was cut short, and nothing after it ran.
            execute(shard, "DELETE FROM shard_schema_history WHERE version::int >= 3");

            assertThat(Migrations.apply(database)).isEqualTo(2);
            assertThat(bucketIndexes(shard)).containsOnly(
                    Map.entry("accounts_bucket_idx", true), Map.entry("orders_bucket_idx", true),
                    Map.entry("trades_bucket_idx", true), Map.entry("positions_bucket_idx", true));
            assertThat(uniqueIndexesOnBucket(shard)).isZero();
        }
    }

    private static Map<String, Boolean> bucketIndexes(DataSource dataSource) throws SQLException {
        Map<String, Boolean> valid = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("""
                        SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                        WHERE c.relname IN (%s) ORDER BY c.relname""".formatted(SHARD_INDEXES))) {
            while (rs.next()) {
                valid.put(rs.getString(1), rs.getBoolean(2));
            }
        }
        return valid;
    }

    private static long uniqueIndexesOnBucket(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("""
                        SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                        WHERE c.relname IN (%s) AND i.indisunique""".formatted(SHARD_INDEXES))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
