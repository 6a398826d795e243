package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.EmbeddedPostgresTest.connect;
import static com.nextleveltraders.embedded.EmbeddedPostgresTest.single;
import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static com.nextleveltraders.embedded.TestProcesses.traversable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresReplicaTest {

    /** Replication on loopback takes milliseconds; the bound only keeps a broken test from hanging. */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @BeforeEach
    void openTempDir() throws IOException {
        traversable(tmp);
    }

    @Test
    void streamsPausesResumesAndCarriesOnAfterRestarts() throws Exception {
        PostgresOptions primaryOptions = PostgresOptions.defaults(tmp.resolve("pg"));
        Path replicaDir = tmp.resolve("pg-replica");
        String secret;
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(primaryOptions);
             EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(replicaDir, primary))) {
            secret = password(primary.passwordFile());
            assertThat(replica.slot()).isEqualTo("pg_replica");
            assertThat(replica.host()).isEqualTo("127.0.0.1");
            assertThat(replica.port()).isNotEqualTo(primary.port());
            assertThat(password(replica.passwordFile())).isEqualTo(secret);
            assertThat(Files.getPosixFilePermissions(replica.passwordFile()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (Connection p = connect(primary); Statement ps = p.createStatement();
                 Connection r = connectReplica(replica, primary); Statement rs = r.createStatement()) {
                assertThat(single(ps, "SHOW wal_level")).isEqualTo("replica");
                assertThat(single(ps, "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host'"
                        + " AND 'replication' = ANY(database) AND address = '127.0.0.1'"
                        + " AND auth_method = 'scram-sha-256'")).isEqualTo("1");
                // The replica accepts connections before its WAL receiver has connected: the slot turns active then.
                await(ps, "SELECT active FROM pg_replication_slots WHERE slot_name = 'pg_replica'"
                        + " AND slot_type = 'physical'", "t");
                assertThat(single(rs, "SELECT pg_is_in_recovery()")).isEqualTo("t");

                ps.execute("CREATE TABLE trades (id int PRIMARY KEY, symbol text NOT NULL)");
                ps.execute("INSERT INTO trades VALUES (1, 'ACME')");
                awaitRows(rs, 1);
                assertThatThrownBy(() -> rs.execute("INSERT INTO trades VALUES (2, 'NOPE')"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("read-only");

                rs.execute("SELECT pg_wal_replay_pause()");
                ps.execute("INSERT INTO trades VALUES (2, 'BETA')");
                String written = single(ps, "SELECT pg_current_wal_lsn()");
                // The WAL reached the replica (received and flushed there), it just is not applied.
                await(rs, "SELECT pg_last_wal_receive_lsn() >= '" + written + "'::pg_lsn", "t");
                await(rs, "SELECT pg_get_wal_replay_pause_state()", "paused");
                assertThat(single(rs, "SELECT count(*) FROM trades")).isEqualTo("1");
                assertThat(single(rs, "SELECT pg_last_wal_replay_lsn() < '" + written + "'::pg_lsn"))
                        .isEqualTo("t");

                rs.execute("SELECT pg_wal_replay_resume()");
                awaitRows(rs, 2);
                assertThat(single(rs, "SELECT pg_last_wal_replay_lsn() >= '" + written + "'::pg_lsn"))
                        .isEqualTo("t");
            }
            assertNoPasswordInCommandLines(secret);
        }
        assertThat(liveDescendants()).isEmpty();

        // Both again on the same directories; the primary gets another free port, which the replica follows.
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(primaryOptions);
             EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(replicaDir, primary));
             Connection p = connect(primary); Statement ps = p.createStatement();
             Connection r = connectReplica(replica, primary); Statement rs = r.createStatement()) {
            assertThat(single(rs, "SELECT count(*) FROM trades")).isEqualTo("2");
            ps.execute("INSERT INTO trades VALUES (3, 'GAMMA')");
            awaitRows(rs, 3);
            assertThat(single(rs, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        }
        assertThat(liveDescendants()).isEmpty();

        for (Path log : new Path[] {primaryOptions.logFile(), replicaDir.resolve("postgres.log")}) {
            assertThat(Files.readString(log)).as(log.toString()).doesNotContain(secret);
        }
        assertThat(Files.readString(replicaDir.resolve("postgres.log"))).contains("started streaming WAL");
        Path pgdata = replicaDir.resolve("pgdata");
        for (String config : new String[] {"postgresql.conf", "postgresql.auto.conf"}) {
            assertThat(Files.readString(pgdata.resolve(config))).as(config).doesNotContain(secret);
        }
    }

    @Test
    void aReplicaWhoseDataWasDeletedIsCopiedAgainOnItsOldSlot() throws Exception {
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg")))) {
            ReplicaOptions options = ReplicaOptions.of(tmp.resolve("replica"), primary);
            Path dataDir;
            try (EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(options)) {
                dataDir = replica.dataDir();
            }
            CacheDir.deleteTree(dataDir);
            try (Connection p = connect(primary); Statement ps = p.createStatement()) {
                ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                ps.execute("INSERT INTO orders VALUES (7)");
            }
            try (EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(options);
                 Connection p = connect(primary); Statement ps = p.createStatement();
                 Connection r = connectReplica(replica, primary); Statement rs = r.createStatement()) {
                assertThat(single(rs, "SELECT count(*) FROM orders")).isEqualTo("1");
                ps.execute("INSERT INTO orders VALUES (8)");
                await(rs, "SELECT count(*) FROM orders", "2");
                assertThat(single(ps, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("1");
            }
            assertThat(Files.readString(options.logFile())).contains("already exists");
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void aKilledReplicaSaysHowItEndedAndComesBackOnItsDataOrAsANewCopy() throws Exception {
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg")))) {
            EmbeddedPostgresReplica first = EmbeddedPostgresReplica.start(ReplicaOptions.of(tmp.resolve("replica"),
                    primary));
            ReplicaOptions options = ReplicaOptions.of(tmp.resolve("replica"), primary).withPort(first.port());
            assertThat(first.exitCode()).isEmpty();
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            awaitGone(Duration.ofSeconds(20), first.pid());
            assertThat(first.exitCode()).hasValue(137);
            first.close();
            try (Connection p = connect(primary); Statement ps = p.createStatement()) {
                ps.execute("CREATE TABLE orders (id int PRIMARY KEY)");
                ps.execute("INSERT INTO orders VALUES (1)"); // written while the replica is down: its slot keeps it
            }

            assertThat(EmbeddedPostgresReplica.hasData(options)).isTrue();
            try (EmbeddedPostgresReplica again = EmbeddedPostgresReplica.start(options);
                 Connection r = connectReplica(again, primary); Statement rs = r.createStatement()) {
                assertThat(again.port()).isEqualTo(first.port());
                await(rs, "SELECT count(*) FROM orders", "1");
            }

            // Data that no longer starts (here: a control file gone) is discarded and copied afresh.
            Files.delete(tmp.resolve("replica").resolve("pgdata").resolve("global").resolve("pg_control"));
            assertThatThrownBy(() -> EmbeddedPostgresReplica.start(options))
                    .isInstanceOf(EmbeddedServerException.class);
            try (EmbeddedPostgresReplica copied = EmbeddedPostgresReplica.copyAgain(options);
                 Connection p = connect(primary); Statement ps = p.createStatement();
                 Connection r = connectReplica(copied, primary); Statement rs = r.createStatement()) {
                assertThat(copied.port()).isEqualTo(first.port());
                ps.execute("INSERT INTO orders VALUES (2)");
                await(rs, "SELECT count(*) FROM orders", "2");
                await(ps, "SELECT count(*) FROM pg_replication_slots WHERE active", "1");
            }
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void primaryAndReplicaStopWhenTheLauncherIsKilled() throws Exception {
        Process launcher = new ProcessBuilder("sleep", "300").start();
        EmbeddedPostgres primary = null;
        EmbeddedPostgresReplica replica = null;
        try {
            primary = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg"))
                    .withWatchPid(launcher.pid()));
            replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(tmp.resolve("replica"), primary)
                    .withWatchPid(launcher.pid()));

            launcher.destroyForcibly().waitFor();

            awaitGone(Duration.ofSeconds(20), primary.pid(), replica.pid());
            // Stopped, not killed: both ran their shutdown checkpoint (a restartpoint on the replica).
            assertThat(Files.readString(primary.logFile())).contains("database system is shut down");
            assertThat(Files.readString(replica.logFile())).contains("database system is shut down");
        } finally {
            launcher.destroyForcibly();
            if (replica != null) {
                replica.close();
            }
            if (primary != null) {
                primary.close();
            }
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void theBundledBinariesCannotCopyAPrimary() throws Exception {
        String previous = System.setProperty(PostgresBinaries.PROPERTY, "bundled");
        try {
            Path passwordFile = tmp.resolve("password");
            Passwords.writeOwnerOnly(passwordFile, "unused\n");
            ReplicaOptions options = new ReplicaOptions(tmp.resolve("replica"), tmp.resolve("replica.log"), 0, 0,
                    "replica", "127.0.0.1", 5432, "nlt", passwordFile, null);
            assertThatThrownBy(() -> EmbeddedPostgresReplica.start(options))
                    .isInstanceOf(EmbeddedServerException.class)
                    .hasMessageContaining("pg_basebackup")
                    .hasMessageContaining("bundled");
            assertThat(tmp.resolve("replica").resolve("pgdata")).doesNotExist();
        } finally {
            if (previous == null) {
                System.clearProperty(PostgresBinaries.PROPERTY);
            } else {
                System.setProperty(PostgresBinaries.PROPERTY, previous);
            }
        }
    }

    @Test
    void optionsRefuseWhatTheyManage() {
        ReplicaOptions options = new ReplicaOptions(tmp.resolve("r"), tmp.resolve("r.log"), 0, 0, "r", "127.0.0.1",
                5432, "nlt", tmp.resolve("password"), null);
        assertThatThrownBy(() -> options.withSlot("Bad-Name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withSettings(Map.of("primary_conninfo", "host=elsewhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("managed");
        assertThatThrownBy(() -> options.withPrimary("127.0.0.1 user=x", 5432, "nlt", tmp.resolve("password")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ReplicaOptions.slotFor(Path.of("/data/Shard-1.replica"))).isEqualTo("shard_1_replica");
    }

    /** Postmasters, backends, WAL sender and receiver, watchdogs; one may exit meanwhile (its cmdline reads empty). */
    private static void assertNoPasswordInCommandLines(String secret) {
        for (ProcessHandle process : liveDescendants()) {
            assertThat(Procs.commandLine(process.pid())).doesNotContain(secret);
        }
    }

    private static Connection connectReplica(EmbeddedPostgresReplica replica, EmbeddedPostgres primary)
            throws SQLException, IOException {
        return DriverManager.getConnection(replica.jdbcUrl(primary.database()), replica.user(),
                password(replica.passwordFile()));
    }

    private static void awaitRows(Statement replica, int rows) throws Exception {
        await(replica, "SELECT count(*) FROM trades", Integer.toString(rows));
    }

    /** Polls a one-value query until it returns {@code expected}. */
    private static void await(Statement statement, String sql, String expected) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        String last = null;
        while (true) {
            try {
                last = single(statement, sql);
            } catch (SQLException e) {
                last = e.getMessage(); // e.g. the table's creation not replayed yet
            }
            if (expected.equals(last)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("%s still returns %s after %s", sql, last, CATCH_UP)
                    .isNegative();
            Thread.sleep(50);
        }
    }
}
