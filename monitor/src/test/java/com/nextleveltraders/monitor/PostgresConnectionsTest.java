package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import com.nextleveltraders.testkit.TemporaryServers;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The connections of a real PostgreSQL server, under postgres_exporter's names. */
class PostgresConnectionsTest {

    private static TemporaryServers servers;
    private static PGSimpleDataSource source;
    private static String server;

    @BeforeAll
    static void start() throws Exception {
        servers = TemporaryServers.start("monitor-pg", 1, false);
        EmbeddedPostgres pg = servers.postgres();
        source = new PGSimpleDataSource();
        source.setUrl(pg.jdbcUrl());
        source.setUser(pg.user());
        source.setPassword(Files.readString(pg.passwordFile()).strip());
        server = pg.host() + ":" + pg.port();
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    private static Map<String, Double> read() throws Exception {
        return new PostgresConnections(server, source).collect().stream()
                .collect(Collectors.toMap(Sample::name, Sample::value));
    }

    @Test
    void itReportsTheClientBackendsItsOwnIncludedAndMaxConnections() throws Exception {
        Map<String, Double> alone = read();
        assertThat(alone.get(Rules.SERVER_MAX_CONNECTIONS)).isGreaterThan(0);
        assertThat(alone.get(Rules.SERVER_BACKENDS)).isGreaterThanOrEqualTo(1);
        try (Connection a = source.getConnection(); Connection b = source.getConnection()) {
            assertThat(read().get(Rules.SERVER_BACKENDS)).isEqualTo(alone.get(Rules.SERVER_BACKENDS) + 2);
        }
    }

    @Test
    void itsSamplesAreLabelledWithTheServer() throws Exception {
        PostgresConnections target = new PostgresConnections(server, source);
        assertThat(target.id()).isEqualTo("postgres/" + server);
        assertThat(target.labels()).containsEntry("server", server).containsEntry("job", "postgres");
        List<Sample> samples = target.collect();
        assertThat(samples).extracting(Sample::name)
                .containsExactlyInAnyOrder(Rules.SERVER_BACKENDS, Rules.SERVER_MAX_CONNECTIONS);
    }
}
