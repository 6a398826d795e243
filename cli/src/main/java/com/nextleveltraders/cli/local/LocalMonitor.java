package com.nextleveltraders.cli.local;

import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.monitor.MetricsEndpoint;
import com.nextleveltraders.monitor.Monitor;
import com.nextleveltraders.monitor.PostgresConnections;
import com.nextleveltraders.monitor.Target;
import com.nextleveltraders.monitor.Webhooks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs the monitor over the local platform every {@code monitoring.interval}: the gateway's metrics, each API
 * instance's, every PostgreSQL server's connections (the catalog and each registered shard's primary and
 * replica), and what only the launcher knows ({@link LauncherMetrics}). After each evaluation it writes {@code run/alerts.json}, which {@code nlt alerts} prints and the
 * gateway's {@code /admin/alerts} serves.
 */
public final class LocalMonitor implements AutoCloseable {

    /** In {@code DIR/run}: the monitor's state after its last evaluation. */
    public static final String STATUS_FILE = "alerts.json";
    // A server that does not answer a connection within this is reported down, not waited for.
    private static final int CONNECT_TIMEOUT_SECONDS = 2;

    private final PlatformConfig config;
    private final LocalInstances instances;
    private final Path statusFile;
    private final Monitor monitor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(MetricsEndpoint.DEFAULT_TIMEOUT).build();
    private final MetricsEndpoint gateway;
    private final DataSource catalog;
    private final RedisConnections redis;
    private final LauncherMetrics launcher;
    private final Map<String, PostgresConnections> servers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("monitor").daemon().factory());

    LocalMonitor(PlatformConfig config, LocalInstances instances, LocalAutoscaler autoscaler, int gatewayAdminPort,
            Path runDir, Clock clock) {
        this.config = config;
        this.instances = instances;
        this.statusFile = runDir.resolve(STATUS_FILE);
        String admin = "http://127.0.0.1:" + gatewayAdminPort;
        this.gateway = new MetricsEndpoint("gateway", Map.of("job", "gateway", "instance", "gateway"),
                URI.create(admin + "/metrics"), client, MetricsEndpoint.DEFAULT_TIMEOUT);
        PostgresEndpoint endpoint = config.platform().postgres();
        this.catalog = dataSource(endpoint, endpoint.host(), endpoint.port(), endpoint.database());
        this.redis = RedisConnections.open(config);
        this.launcher = new LauncherMetrics(autoscaler, catalog, redis);
        Webhooks webhooks = new Webhooks(config.monitoring().webhooks(), clock, Webhooks.Policy.DEFAULT);
        this.monitor = new Monitor(config.monitoring(), clock, this::targets, admin + "/admin/alerts", webhooks,
                LocalFleet.RECORDINGS);
    }

    void start() {
        long every = config.monitoring().interval().toMillis();
        timer.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
    }

    /** The fleet's figures after the last evaluation ({@link LocalFleet#RECORDINGS}). */
    Monitor.Recorded recorded() {
        return monitor.recorded();
    }

    /** The launcher's own connections to the Redis tier, which know each node's role. */
    RedisConnections redis() {
        return redis;
    }

    private void round() {
        try {
            monitor.tick();
            StatusFile.write(statusFile, monitor.status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            // The next round tries again; one failed round must not end the schedule.
            System.err.println("monitor round failed: " + e);
        }
    }

    /** The gateway, the live instances, and the PostgreSQL servers the catalog names now. */
    private List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(gateway);
        targets.add(launcher);
        for (LocalInstances.Running r : instances.running()) {
            var instance = r.instance();
            targets.add(new MetricsEndpoint("api/" + instance.id(),
                    Map.of("job", "api", "instance", instance.id(), "region", instance.region()),
                    URI.create("http://127.0.0.1:" + r.port() + "/metrics"), client, MetricsEndpoint.DEFAULT_TIMEOUT));
        }
        PostgresEndpoint endpoint = config.platform().postgres();
        targets.add(server(endpoint.host(), endpoint.port(), endpoint.database()));
        try {
            for (RegisteredShard shard : ShardRegistry.list(catalog)) {
                targets.add(server(shard.primaryHost(), shard.primaryPort(), shard.database()));
                if (shard.replicaHost() != null) {
                    targets.add(server(shard.replicaHost(), shard.replicaPort(), shard.database()));
                }
            }
        } catch (RuntimeException e) {
            // The catalog's own target reports it down; the shards are read again next round.
        }
        return targets;
    }

    private PostgresConnections server(String host, int port, String database) {
        return servers.computeIfAbsent(host + ":" + port, server -> new PostgresConnections(server,
                dataSource(config.platform().postgres(), host, port, database)));
    }

    static DataSource dataSource(PostgresEndpoint credentials, String host, int port, String database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {host});
        source.setPortNumbers(new int[] {port});
        source.setDatabaseName(database);
        source.setUser(credentials.user());
        if (credentials.passwordFile() != null) {
            source.setPassword(Secrets.read(credentials.passwordFile()));
        }
        source.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        source.setSocketTimeout(CONNECT_TIMEOUT_SECONDS);
        source.setApplicationName("nlt-monitor");
        return source;
    }

    @Override
    public void close() {
        Loops.stop(timer);
        monitor.close();
        client.close();
        redis.close();
    }
}
