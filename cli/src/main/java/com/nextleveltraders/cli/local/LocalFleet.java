package com.nextleveltraders.cli.local;

import com.nextleveltraders.autoscaler.Decision;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.monitor.Expr;
import com.nextleveltraders.monitor.Rules;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Writes {@code run/fleet.json} every {@link #EVERY}: the instances with their state at the gateway and their
 * figures, the autoscaler, the PostgreSQL servers, the shards and the moves in progress, and the Redis nodes
 * ({@link FleetView} assembles it). The gateway's {@code GET /admin/fleet} serves the file to the operations
 * dashboard.
 *
 * <p>The instances' figures are the monitor's own: recordings over the samples it scrapes anyway ({@link
 * #RECORDINGS}), so nothing here scrapes or computes a rate again. PostgreSQL is read here, one connection to each
 * server per round: the registry, buckets and moves from the catalog, the estimated rows and the replica's lag from
 * each primary, whether each replica answers. A source that fails leaves its figures {@code null}; the failure is logged once, and its
 * recovery once.
 */
final class LocalFleet implements AutoCloseable {

    /** In {@code DIR/run}: what {@code GET /admin/fleet} serves. */
    static final String FLEET_FILE = "fleet.json";
    /** How often the file is rewritten: the dashboard polls it every few seconds. */
    static final Duration EVERY = Duration.ofSeconds(2);

    // Figures over the last minute, the dashboard's "now".
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final String JOB_API = "api";
    // The user-owned tables of a shard's schema (db/shard).
    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");

    /** What the monitor records for the fleet after each evaluation, by the names {@link FleetView} reads. */
    static final Map<String, Expr> RECORDINGS = recordings();

    private final PlatformConfig config;
    private final LocalInstances instances;
    private final LocalAutoscaler autoscaler;
    private final LocalMonitor monitor;
    private final GatewayAdmin gateway;
    private final Path file;
    private final FleetView view;
    private final DataSource catalog;
    private final Map<String, DataSource> servers = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fleet").daemon().factory());
    // The last registry read, so that one failed read of the catalog still lists the servers.
    private List<RegisteredShard> registry = List.of();

    LocalFleet(PlatformConfig config, LocalInstances instances, LocalAutoscaler autoscaler, LocalMonitor monitor,
            GatewayAdmin gateway, Path runDir, Clock clock) {
        this.config = config;
        this.instances = instances;
        this.autoscaler = autoscaler;
        this.monitor = monitor;
        this.gateway = gateway;
        this.file = runDir.resolve(FLEET_FILE);
        this.view = new FleetView(clock);
        PostgresEndpoint endpoint = config.platform().postgres();
        this.catalog = server(endpoint.host(), endpoint.port(), endpoint.database());
    }

    private static Map<String, Expr> recordings() {
        Expr.Select requests = Expr.Select.of("http_server_requests_seconds_count").where("job", JOB_API);
        Expr.Select buckets = Expr.Select.of("http_server_requests_seconds_bucket").where("job", JOB_API);
        Expr latency = new Expr.SumBy(List.of("instance", "le"), new Expr.Rate(buckets, WINDOW));
        Expr.Select heapUsed = Expr.Select.of("jvm_memory_used_bytes").where("job", JOB_API).where("area", "heap");
        Expr.Select heapMax = Expr.Select.of("jvm_memory_max_bytes").where("job", JOB_API).where("area", "heap");
        Map<String, Expr> recordings = new LinkedHashMap<>();
        recordings.put(FleetView.REQUESTS, new Expr.SumBy(List.of("instance", "status"),
                new Expr.Rate(requests, WINDOW)));
        recordings.put(FleetView.P50, new Expr.Quantile(0.5, latency));
        recordings.put(FleetView.P99, new Expr.Quantile(0.99, latency));
        recordings.put(FleetView.CPU_SHARE, Expr.Select.of("process_cpu_usage").where("job", JOB_API));
        recordings.put(FleetView.CPU_COUNT, Expr.Select.of("system_cpu_count").where("job", JOB_API));
        recordings.put(FleetView.HEAP_USED, new Expr.SumBy(List.of("instance"), heapUsed));
        // A pool without a limit reports -1: as the MemoryHigh rule does, only the limited ones count.
        recordings.put(FleetView.HEAP_MAX, new Expr.SumBy(List.of("instance"), new Expr.Above(heapMax, 0)));
        recordings.put(FleetView.PG_CONNECTIONS, new Expr.SumBy(List.of("server"),
                Expr.Select.of(Rules.SERVER_BACKENDS)));
        recordings.put(FleetView.PG_MAX_CONNECTIONS, new Expr.SumBy(List.of("server"),
                Expr.Select.of(Rules.SERVER_MAX_CONNECTIONS)));
        return Map.copyOf(recordings);
    }

    void start() {
        timer.scheduleWithFixedDelay(this::round, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            List<FleetView.LiveInstance> live = instances.running().stream()
                    .map(r -> new FleetView.LiveInstance(r.instance().id(), r.instance().region(), r.process().pid(),
                            "http://127.0.0.1:" + r.port(), r.instance().startedAt()))
                    .toList();
            List<FleetView.Backend> backends = read("the gateway's backends", () -> {
                try {
                    return gateway.backends().stream().map(b -> new FleetView.Backend(b.id(), b.state(),
                            b.draining(), b.inFlight())).toList();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            });
            FleetView.Autoscaler scaling = new FleetView.Autoscaler(config.scaling().minInstances(),
                    config.scaling().maxInstances(), live.size(), autoscaler.target(),
                    autoscaler.recent().stream().map(LocalFleet::decision).toList());
            Databases databases = databases();
            FleetView.Redis redis = read("the Redis nodes", () -> new FleetView.Redis(monitor.redis().mode(),
                    monitor.redis().nodes().stream()
                            .map(n -> new FleetView.RedisNode(n.address(), n.role(), n.up())).toList()));
            FleetView.Fleet fleet = view.assemble(new FleetView.Sources(live, backends, monitor.recorded(), scaling,
                    databases.servers(), databases.shards(), databases.moves(), redis, instances::stoppedOnPurpose));
            StatusFile.write(file, fleet.fields());
            if (failing.remove(file.toString())) {
                System.out.println("fleet: " + file + " is written again");
            }
        } catch (RuntimeException | IOException e) {
            // The next round tries again; one failed round must not end the schedule.
            if (failing.add(file.toString())) {
                System.err.println("fleet: cannot write " + file + ": " + e);
            }
        }
    }

    private static FleetView.Decision decision(Decision d) {
        return new FleetView.Decision(d.at().toString(), d.kind().name(), d.from(), d.to(), d.reason());
    }

    private record Databases(List<FleetView.Server> servers, List<FleetView.Shard> shards, List<FleetView.Move> moves) {
    }

    /** The registry, buckets per shard and open moves from the catalog; then each shard's primary and replica. */
    private Databases databases() {
        PostgresEndpoint endpoint = config.platform().postgres();
        String catalogAddress = endpoint.host() + ":" + endpoint.port();
        Map<Integer, Integer> bucketsPerShard = new HashMap<>();
        List<FleetView.Move> moves = new ArrayList<>();
        boolean catalogUp = read("the catalog (" + catalogAddress + ")", () -> {
            try (Connection c = catalog.getConnection()) {
                registry = ShardRegistry.list(catalog);
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT shard_id, count(*) FROM bucket_directory GROUP BY shard_id");
                        ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        bucketsPerShard.put(rs.getInt(1), rs.getInt(2));
                    }
                }
                try (PreparedStatement select = c.prepareStatement("""
                        SELECT bucket, from_shard, to_shard, step, started_at FROM bucket_moves
                        WHERE finished_at IS NULL ORDER BY started_at, bucket""");
                        ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        moves.add(new FleetView.Move(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant().toString()));
                    }
                }
                return true;
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }) != null;

        List<FleetView.Server> servers = new ArrayList<>();
        servers.add(new FleetView.Server("catalog", "catalog", null, catalogAddress, catalogUp, null));
        List<FleetView.Shard> shards = new ArrayList<>();
        for (RegisteredShard shard : registry) {
            String primary = shard.primaryHost() + ":" + shard.primaryPort();
            Primary read = read("shard " + shard.id() + "'s primary (" + primary + ")",
                    () -> primary(server(shard.primaryHost(), shard.primaryPort(), shard.database())));
            servers.add(new FleetView.Server("shard-" + shard.id() + " primary", "primary", shard.id(), primary,
                    read != null, null));
            if (shard.hasReplica()) {
                String replica = shard.replicaHost() + ":" + shard.replicaPort();
                Boolean up = read("shard " + shard.id() + "'s replica (" + replica + ")",
                        () -> answers(server(shard.replicaHost(), shard.replicaPort(), shard.database())));
                servers.add(new FleetView.Server("shard-" + shard.id() + " replica", "replica", shard.id(), replica,
                        up != null, read == null ? null : read.replicaLagSeconds()));
            }
            shards.add(new FleetView.Shard(shard.id(), catalogUp ? bucketsPerShard.getOrDefault(shard.id(), 0) : null,
                    read == null ? null : read.rows()));
        }
        return new Databases(List.copyOf(servers), List.copyOf(shards), catalogUp ? List.copyOf(moves) : null);
    }

    /**
     * What a shard's primary tells.
     *
     * @param rows              the statistics' estimate of live rows per table ({@code n_live_tup}): a count of
     *                          every row would read whole tables every two seconds. It lags the last writes by a
     *                          moment and counts rows a moved bucket left behind until they are deleted
     * @param replicaLagSeconds how long the replica took to replay the primary's recent WAL, as the primary measures
     *                          it ({@code pg_stat_replication.replay_lag}, which reads nothing once the replica has
     *                          caught up: 0 then); {@code null} when no replica streams from it. Measured on the
     *                          replica, the age of its last replayed transaction reads minutes on an idle primary
     */
    private record Primary(Map<String, Long> rows, Double replicaLagSeconds) {
    }

    private static Primary primary(DataSource primary) {
        try (Connection c = primary.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT relname, sum(n_live_tup) FROM pg_stat_user_tables WHERE relname = ANY (?)"
                                + " GROUP BY relname");
                PreparedStatement lag = c.prepareStatement(
                        "SELECT max(coalesce(extract(epoch FROM replay_lag), 0))::float8 FROM pg_stat_replication")) {
            Array names = c.createArrayOf("text", TABLES.toArray());
            select.setArray(1, names);
            Map<String, Long> rows = new TreeMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = lag.executeQuery()) {
                rs.next();
                double seconds = rs.getDouble(1);
                return new Primary(rows, rs.wasNull() ? null : seconds);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Whether the server answers a query. */
    private static Boolean answers(DataSource server) {
        try (Connection c = server.getConnection(); PreparedStatement select = c.prepareStatement("SELECT 1");
                ResultSet rs = select.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private DataSource server(String host, int port, String database) {
        return servers.computeIfAbsent(host + ":" + port,
                address -> LocalMonitor.dataSource(config.platform().postgres(), host, port, database));
    }

    /** The source's value, or {@code null} when it failed: logged on its first failure and when it recovers. */
    private <T> T read(String source, Supplier<T> reading) {
        try {
            T value = reading.get();
            if (failing.remove(source)) {
                System.out.println("fleet: " + source + " can be read again");
            }
            return value;
        } catch (RuntimeException e) {
            once(source, e);
            return null;
        }
    }

    private void once(String source, Exception e) {
        if (failing.add(source)) {
            System.err.println("fleet: cannot read " + source + " (" + e.getMessage() + "); its figures stay empty"
                    + " until it can");
        }
    }

    @Override
    public void close() {
        Loops.stop(timer);
    }
}
