package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static com.nextleveltraders.embedded.TestProcesses.traversable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void openTempDir() throws IOException {
        traversable(tmp);
    }

    @Test
    void dataAndPasswordPersistAcrossRestarts() throws Exception {
        PostgresOptions options = PostgresOptions.defaults(tmp.resolve("pg"))
                .withSettings(Map.of("max_connections", "50"));
        long firstPid;
        String firstPassword;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            firstPid = pg.pid();
            firstPassword = password(pg.passwordFile());
            assertThat(pg.host()).isEqualTo("127.0.0.1");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/nlt");
            assertThat(Files.getPosixFilePermissions(pg.passwordFile()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(TestProcesses.commandLine(pg.pid())).doesNotContain(firstPassword);
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE trades (id int PRIMARY KEY, symbol text NOT NULL)");
                s.execute("INSERT INTO trades VALUES (1, 'ACME')");
                assertThat(single(s, "SHOW max_connections")).isEqualTo("50");
                assertThat(single(s, "SHOW fsync")).isEqualTo("on");
                assertThat(single(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(single(s, "SELECT current_user")).isEqualTo("nlt");
                assertThat(single(s, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'nlt'"))
                        .isEqualTo("UTF8");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong").close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
        assertThat(TestProcesses.running(firstPid)).isFalse();
        assertThat(liveDescendants()).isEmpty();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            assertThat(password(pg.passwordFile())).isEqualTo(firstPassword);
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT symbol FROM trades WHERE id = 1")).isEqualTo("ACME");
            }
        }
        assertThat(liveDescendants()).isEmpty();
        assertThat(Files.readString(options.logFile())).doesNotContain(firstPassword);
    }

    @Test
    void stopsAServerLeftRunningWithoutItsWatchdog() throws Exception {
        PostgresOptions options = PostgresOptions.defaults(tmp.resolve("pg"));
        EmbeddedPostgres orphan = EmbeddedPostgres.start(options);
        // Kill only the wrapper: the server keeps running with nobody left to stop it, as after a crashed launcher.
        ProcessHandle.current().children()
                .filter(child -> child.descendants().anyMatch(d -> d.pid() == orphan.pid()))
                .forEach(ProcessHandle::destroyForcibly);
        assertThat(TestProcesses.running(orphan.pid())).isTrue();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options); Connection c = connect(pg)) {
            assertThat(TestProcesses.running(orphan.pid())).isFalse();
            assertThat(c.isValid(5)).isTrue();
        } finally {
            orphan.close();
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void refusesToWatchAProcessThatIsAlreadyGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThatThrownBy(() -> EmbeddedPostgres.start(
                PostgresOptions.defaults(tmp.resolve("pg")).withWatchPid(gone.pid())))
                .isInstanceOf(EmbeddedServerException.class)
                .hasMessageContaining("not running");
    }

    @Test
    void restartsCleanlyAfterThePostmasterWasKilled() throws Exception {
        PostgresOptions options = PostgresOptions.defaults(tmp.resolve("pg"));
        EmbeddedPostgres killed = EmbeddedPostgres.start(options);
        try (Connection c = connect(killed); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            s.execute("INSERT INTO orders VALUES (42)");
        }
        ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly();
        awaitGone(Duration.ofSeconds(10), killed.pid());
        assertThat(killed.dataDir().resolve("postmaster.pid")).exists();

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            try (Connection c = connect(pg); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT count(*) FROM orders WHERE id = 42")).isEqualTo("1");
            }
        } finally {
            killed.close(); // already dead: must not fail nor touch the new server
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void ignoresALockFileWhosePidNowBelongsToAnotherProcess() throws Exception {
        PostgresOptions options = PostgresOptions.defaults(tmp.resolve("pg"));
        Path dataDir;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(options)) {
            dataDir = pg.dataDir();
        }
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try {
            // What a killed server leaves behind once the kernel has handed its pid to something else.
            Files.writeString(dataDir.resolve("postmaster.pid"), unrelated.pid() + "\n" + dataDir + "\n");
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(options); Connection c = connect(pg)) {
                assertThat(c.isValid(5)).isTrue();
            }
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    @Test
    void runsTheBundledBinaries() throws Exception {
        String previous = System.setProperty(PostgresBinaries.PROPERTY, "bundled");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(PostgresOptions.defaults(tmp.resolve("pg")));
             Connection c = connect(pg); Statement s = c.createStatement()) {
            assertThat(pg.binDir().startsWith(Path.of("/usr/lib/postgresql"))).isFalse();
            assertThat(pg.binDir().resolve("postgres")).isExecutable();
            assertThat(single(s, "SELECT version()")).startsWith("PostgreSQL 15.18");
        } finally {
            if (previous == null) {
                System.clearProperty(PostgresBinaries.PROPERTY);
            } else {
                System.setProperty(PostgresBinaries.PROPERTY, previous);
            }
        }
        assertThat(liveDescendants()).isEmpty();
    }

    @Test
    void namesTheDirectoryTheServerUserCannotEnter() throws Exception {
        assumeTrue(ServerUser.currentUid() == 0, "only root hands the server to another user");
        Path locked = Files.createDirectory(tmp.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThatThrownBy(() -> EmbeddedPostgres.start(PostgresOptions.defaults(locked.resolve("pg"))))
                .isInstanceOf(EmbeddedServerException.class)
                .hasMessageContaining("cannot enter directory " + locked);
    }

    static Connection connect(EmbeddedPostgres pg) throws SQLException, IOException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), password(pg.passwordFile()));
    }

    static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
