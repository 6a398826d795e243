package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The servers `nlt up` starts log their slow statements, as the query-time alert's threshold defines them. */
class LocalPostgresTest {

    @Test
    void everyServerLogsTheStatementsSlowerThanTheQueryTimeThreshold() throws Exception {
        PlatformConfig config = ConfigLoader.loadYaml("""
                monitoring: { database: { queryTime: { threshold: 750ms } } }
                """);
        assertThat(LocalPostgres.settings(config)).containsEntry("log_min_duration_statement", "750");

        // PostgreSQL runs as another user: its directories must be open to it.
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-local-postgres-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (Supervisor supervisor = new Supervisor()) {
            Path logs = Files.createDirectories(dataDir.resolve("logs"));
            PostgresEndpoint catalog = new LocalPostgres(dataDir, logs, supervisor).startCatalog(config);
            String url = "jdbc:postgresql://" + catalog.host() + ":" + catalog.port() + "/" + catalog.database();
            try (Connection connection = DriverManager.getConnection(url, catalog.user(),
                    Secrets.read(catalog.passwordFile()));
                    Statement statement = connection.createStatement();
                    ResultSet shown = statement.executeQuery("SHOW log_min_duration_statement")) {
                shown.next();
                assertThat(shown.getString(1)).isEqualTo("750ms");
                statement.execute("SELECT pg_sleep(0.8) AS slow_statement_for_the_log");
            }
            // The server writes the line as the statement ends; give its output a moment to land.
            Path log = logs.resolve("postgres.log");
            com.nextleveltraders.testkit.Polling.until(java.time.Duration.ofSeconds(30), "the slow statement is logged",
                    () -> {
                        try {
                            return Files.readString(log).contains("slow_statement_for_the_log") ? null : "not yet";
                        } catch (java.io.IOException e) {
                            return e.toString();
                        }
                    });
            assertThat(Files.readString(log)).containsPattern("LOG:  duration: [0-9.]+ ms  [^\\n]*: SELECT pg_sleep\\(0.8\\)"
                    + " AS slow_statement_for_the_log");
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
