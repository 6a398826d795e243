package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether every PostgreSQL server has room for the connections the platform may open: each
 * instance keeps one pool of up to {@code database.pool.max} connections per database it uses on a
 * server, and the autoscaler may run {@code scaling.maxInstances} instances. A server that runs out
 * refuses new connections ("too many clients"), which the instances only see under load; checked at
 * start instead, it is a message naming the numbers.
 */
public final class ConnectionBudget {

    /** Connections kept free on every server for the launcher and tools (nlt shards status, psql). */
    public static final int TOOL_RESERVE = 5;

    /** One server (host and port) and what the platform uses on it. */
    private record Server(String host, int port, List<String> roles, Set<String> databases) {
        String describe() {
            return String.join(", ", roles) + " (" + ServerProbe.address(host, port) + ")";
        }
    }

    private ConnectionBudget() {
    }

    /**
     * Checks the catalog's server and the primary and replica servers of every registered shard that
     * is not retired, asking each its {@code max_connections}, {@code superuser_reserved_connections}
     * and (PostgreSQL 16+) {@code reserved_connections}: the platform's user gets what is left after
     * both reserves, which is all a user without superuser rights may use.
     *
     * @param database an open database; its configuration gives {@code database.pool.max} and where the catalog is
     * @param instances how many instances may run at once (normally {@code scaling.maxInstances}), positive
     * @return one line per server that lacks room or does not answer, naming it, the numbers and the settings to
     *     change; empty when every server has room
     * @throws IllegalArgumentException if {@code instances} is not positive
     */
    public static List<String> check(Database database, int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be positive: " + instances);
        }
        PlatformConfig config = database.config();
        var catalog = config.platform().postgres();
        Map<String, Server> servers = new LinkedHashMap<>();
        add(servers, catalog.host(), catalog.port(), catalog.database(), "catalog");
        List<RegisteredShard> shards;
        try {
            shards = ShardRegistry.list(database.catalog());
        } catch (RuntimeException e) {
            return List.of("catalog (" + ServerProbe.address(catalog.host(), catalog.port()) + "): does not answer ("
                    + ServerProbe.reason(e) + "); neither it nor the shards it lists could be checked");
        }
        for (RegisteredShard shard : shards) {
            if (shard.state() == ShardState.RETIRED) {
                continue;
            }
            add(servers, shard.primaryHost(), shard.primaryPort(), shard.database(), "shard " + shard.id() + " primary");
            if (shard.hasReplica()) {
                add(servers, shard.replicaHost(), shard.replicaPort(), shard.database(),
                        "shard " + shard.id() + " replica");
            }
        }
        int poolMax = config.database().pool().max();
        List<String> problems = new ArrayList<>();
        for (Server server : servers.values()) {
            Map<String, Integer> settings;
            try {
                settings = settings(config, server);
            } catch (SQLException e) {
                problems.add(server.describe() + ": does not answer (" + ServerProbe.reason(e)
                        + "); its max_connections could not be checked");
                continue;
            }
            int max = settings.getOrDefault("max_connections", 0);
            int superuserReserved = settings.getOrDefault("superuser_reserved_connections", 0);
            int reserved = settings.getOrDefault("reserved_connections", 0);
            int available = max - superuserReserved - reserved;
            int pools = server.databases().size();
            long needed = (long) instances * pools * poolMax + TOOL_RESERVE;
            if (needed > available) {
                problems.add(server.describe() + ": max_connections " + max + " - superuser_reserved_connections "
                        + superuserReserved + (reserved > 0 ? " - reserved_connections " + reserved : "") + " leaves "
                        + available + ", but " + instances + " instance(s) (scaling.maxInstances) x "
                        + (pools > 1 ? pools + " pools (databases " + String.join(", ", server.databases()) + ") x " : "")
                        + poolMax + " (database.pool.max) + " + TOOL_RESERVE + " for tools need " + needed
                        + "; raise the server's max_connections to at least " + (needed + superuserReserved + reserved)
                        + ", or lower database.pool.max or scaling.maxInstances");
            }
        }
        return problems;
    }

    private static void add(Map<String, Server> servers, String host, int port, String database, String role) {
        Server server = servers.computeIfAbsent(ServerProbe.address(host, port),
                address -> new Server(host, port, new ArrayList<>(), new LinkedHashSet<>()));
        server.roles().add(role);
        server.databases().add(database);
    }

    private static Map<String, Integer> settings(PlatformConfig config, Server server) throws SQLException {
        try (Connection connection = ServerProbe.open(config, server.host(), server.port(),
                server.databases().iterator().next());
                PreparedStatement select = connection.prepareStatement("SELECT name, setting FROM pg_settings"
                        + " WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')");
                ResultSet rs = select.executeQuery()) {
            Map<String, Integer> settings = new HashMap<>();
            while (rs.next()) {
                settings.put(rs.getString(1), Integer.parseInt(rs.getString(2)));
            }
            return settings;
        }
    }
}
