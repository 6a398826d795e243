package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.EmbeddedPostgresTest.connect;
import static com.nextleveltraders.embedded.EmbeddedPostgresTest.single;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static com.nextleveltraders.embedded.TestProcesses.traversable;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary whose commits wait for its replica (PostgresOptions#withSynchronousReplica), on real servers. */
class SynchronousReplicaTest {

    /** Only keeps a broken test from hanging; nothing here is timed. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeEach
    void openTempDir() throws IOException {
        traversable(tmp);
    }

    @Test
    void withRemoteApplyACommitIsVisibleOnTheReplicaWhenItReturns() throws Exception {
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg"))
                .withSynchronousReplica("pg_replica", "remote_apply"));
             EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(
                     ReplicaOptions.of(tmp.resolve("pg-replica"), primary));
             Connection p = connect(primary); Statement ps = p.createStatement();
             Connection r = connectReplica(replica, primary); Statement rs = r.createStatement()) {
            assertThat(single(ps, "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (pg_replica)");
            assertThat(single(ps, "SHOW synchronous_commit")).isEqualTo("remote_apply");
            // Written into postgresql.conf, not on the command line, so that ALTER SYSTEM can change it.
            assertThat(single(ps, "SELECT source FROM pg_settings WHERE name = 'synchronous_standby_names'"))
                    .isEqualTo("configuration file");
            // The replica ignores it, and would not wait for itself once promoted.
            assertThat(single(rs, "SHOW synchronous_standby_names")).isEmpty();
            await(ps, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg_replica'",
                    "quorum");

            ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            for (int id = 1; id <= 20; id++) {
                ps.execute("INSERT INTO orders VALUES (" + id + ")");
                // No waiting: the commit returned only once the replica had replayed it.
                assertThat(single(rs, "SELECT count(*) FROM orders")).isEqualTo(Integer.toString(id));
            }
        }
    }

    @Test
    void withOnACommitIsOnTheReplicasDiskAndWithTheReplicaGoneItWaitsPastTheStatementTimeout() throws Exception {
        Path replicaDir = tmp.resolve("pg-replica");
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg"))
                .withSynchronousReplica("pg_replica", "on"));
             Connection p = connect(primary); Statement ps = p.createStatement()) {
            EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(replicaDir, primary));
            try (Connection r = connectReplica(replica, primary); Statement rs = r.createStatement()) {
                await(ps, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg_replica'",
                        "quorum");
                ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                p.setAutoCommit(false);
                ps.execute("INSERT INTO orders VALUES (1)");
                String written = single(ps, "SELECT pg_current_wal_insert_lsn()");
                p.commit();
                p.setAutoCommit(true);
                // Received and flushed by the replica before the commit returned (replay may come later).
                assertThat(single(rs, "SELECT pg_last_wal_receive_lsn() >= '" + written + "'::pg_lsn"))
                        .isEqualTo("t");
            } finally {
                replica.close();
            }

            // The replica is gone: a commit waits for it, and PostgreSQL's statement_timeout does not end the
            // wait (it is off by the time a transaction commits), so nothing is acknowledged that only the
            // primary holds.
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try (Connection w = connect(primary); Statement ws = w.createStatement()) {
                    ws.execute("SET statement_timeout = '200ms'");
                    ws.execute("SET application_name = 'waiting_writer'");
                    ws.execute("INSERT INTO orders VALUES (2)");
                } catch (SQLException | IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            await(ps, "SELECT wait_event = 'SyncRep' AND now() - query_start > interval '400ms'"
                    + " FROM pg_stat_activity WHERE application_name = 'waiting_writer'", "t");
            assertThat(write).isNotDone();
            // In the primary's WAL, but neither acknowledged nor visible to other sessions until the replica has it.
            assertThat(single(ps, "SELECT count(*) FROM orders")).isEqualTo("1");

            // The replica streams again: the commit is acknowledged once the replica has it.
            try (EmbeddedPostgresReplica back = EmbeddedPostgresReplica.start(ReplicaOptions.of(replicaDir, primary));
                 Connection r = connectReplica(back, primary); Statement rs = r.createStatement()) {
                write.get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                await(rs, "SELECT count(*) FROM orders", "2");
            }
        }
    }

    @Test
    void asynchronousLevelsNameNoReplica() throws Exception {
        PostgresOptions local = PostgresOptions.defaults(tmp.resolve("pg")).withSynchronousReplica("r", "on")
                .withSynchronousReplica("r", "local");
        assertThat(local.settings()).containsEntry("synchronous_commit", "local")
                .doesNotContainKey(PostgresOptions.SYNCHRONOUS_STANDBY_NAMES);
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(local);
             Connection p = connect(primary); Statement ps = p.createStatement()) {
            assertThat(single(ps, "SHOW synchronous_standby_names")).isEmpty();
            ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            ps.execute("INSERT INTO orders VALUES (1)"); // no replica at all, and it commits
        }
        assertThat(Files.readString(tmp.resolve("pg").resolve("pgdata").resolve("postgresql.conf")))
                .doesNotContain("# --- nlt:");
    }

    private static Connection connectReplica(EmbeddedPostgresReplica replica, EmbeddedPostgres primary)
            throws SQLException, IOException {
        return DriverManager.getConnection(replica.jdbcUrl(primary.database()), replica.user(),
                password(replica.passwordFile()));
    }

    /** Polls a one-value query until it returns {@code expected}. */
    private static void await(Statement statement, String sql, String expected) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        String last;
        while (true) {
            try {
                last = single(statement, sql);
            } catch (SQLException | AssertionError e) {
                last = e.getMessage(); // no such row yet, or the table not replayed yet
            }
            if (expected.equals(last)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("%s still returns %s after %s", sql, last, BOUND)
                    .isNegative();
            Thread.sleep(50);
        }
    }
}
