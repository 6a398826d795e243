package com.nextleveltraders.monitor;

import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One PostgreSQL server's connections as postgres_exporter reports them: {@code pg_stat_activity_count} (the
 * client backends connected, this reading's own included) and {@code pg_settings_max_connections}, labelled
 * {@code server}. The exported rules use the same names, so they work unchanged over postgres_exporter.
 */
public final class PostgresConnections implements Target {

    private static final String QUERY = "SELECT count(*) FILTER (WHERE backend_type = 'client backend'),"
            + " current_setting('max_connections')::int FROM pg_stat_activity";

    private final String server;
    private final DataSource source;
    private final Map<String, String> labels;

    /** @param server {@code host:port}, the {@code server} label */
    public PostgresConnections(String server, DataSource source) {
        this.server = server;
        this.source = source;
        this.labels = Map.of("job", "postgres", "instance", server, "server", server);
    }

    @Override
    public String id() {
        return "postgres/" + server;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public List<Sample> collect() throws SQLException {
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            return List.of(new Sample(Rules.SERVER_BACKENDS, Map.of(), rs.getLong(1)),
                    new Sample(Rules.SERVER_MAX_CONNECTIONS, Map.of(), rs.getLong(2)));
        }
    }
}
