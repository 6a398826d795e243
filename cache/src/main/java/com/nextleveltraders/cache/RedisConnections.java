package com.nextleveltraders.cache;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.RedisAddress;
import com.nextleveltraders.config.RedisCluster;
import com.nextleveltraders.config.Secrets;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's connections to the Redis tier, whatever its shape ({@code redis.mode}): one
 * node, a master and replicas under Sentinels, or a Redis Cluster. Lettuce multiplexes every
 * command of every thread over a few connections, so one of these serves the whole instance.
 */
public final class RedisConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
    // Reconnect delays double from retryDelayOnFailover up to this multiple of it (100 ms → 2 s).
    private static final int MAX_BACKOFF_FACTOR = 20;
    // Lettuce refreshes a cluster's slot map at most this often on adaptive triggers (default 30 s,
    // which would leave a promoted replica unused for that long after a failover).
    private static final int ADAPTIVE_REFRESH_FACTOR = 10;
    // An idle client sees no errors to trigger a refresh: it learns of a failover by polling this often.
    private static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);
    private static final int RECONNECTS_BEFORE_REFRESH = 3;
    private static final Duration UNREPLICATED_LOG_EVERY = Duration.ofSeconds(10);

    private final ClientResources resources;
    private final String mode;
    private final RedisTopology topology;
    private final int replicaAcks;
    private final long waitMillis;
    private final LongAdder unreplicatedWrites = new LongAdder();
    private final AtomicLong lastUnreplicatedLog = new AtomicLong();

    private RedisConnections(ClientResources resources, String mode, RedisTopology topology, int replicaAcks,
            Duration wait) {
        this.resources = resources;
        this.mode = mode;
        this.topology = topology;
        this.replicaAcks = Math.min(replicaAcks, topology.replicasPerMaster());
        this.waitMillis = Math.max(1, wait.toMillis());
    }

    public static RedisConnections open(PlatformConfig config) {
        return open(config, null);
    }

    /**
     * As {@link #open(PlatformConfig)}, telling {@code latencies} the time of every command (the API
     * instance's Micrometer recorder, which its {@code /metrics} shows); {@code null} leaves Lettuce's default.
     */
    public static RedisConnections open(PlatformConfig config, CommandLatencyRecorder latencies) {
        RedisCluster redis = config.redis();
        var options = redis.options();
        Duration commandTimeout = redis.commandTimeout();
        char[] password = config.platform().redis().passwordFile() == null ? null
                : Secrets.read(config.platform().redis().passwordFile()).toCharArray();
        // The strategy's retryDelayOnFailover is the first reconnect delay; back off from there.
        Duration first = options.retryDelayOnFailover();
        ClientResources.Builder resourcesBuilder = ClientResources.builder()
                .reconnectDelay(Delay.exponential(first, first.multipliedBy(MAX_BACKOFF_FACTOR), 2, TimeUnit.MILLISECONDS));
        if (latencies != null) {
            resourcesBuilder.commandLatencyRecorder(latencies);
        }
        ClientResources resources = resourcesBuilder.build();
        ClientOptions clientOptions = ClientOptions.builder()
                .autoReconnect(true)
                .pingBeforeActivateConnection(options.enableReadyCheck())
                // While disconnected, fail commands at once instead of queueing them: a request
                // then gets a clear 503 rather than waiting for the command timeout.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build();
        RedisTopology topology;
        try {
            topology = switch (redis.mode()) {
                case STANDALONE -> {
                    RedisClient client = RedisClient.create(resources);
                    client.setOptions(clientOptions);
                    yield connectOrShutdown(client, () -> StandaloneTopology.connect(client,
                            uri(redis.master().host(), redis.master().port(), password, commandTimeout)));
                }
                case SENTINEL -> {
                    RedisClient client = RedisClient.create(resources);
                    client.setOptions(clientOptions);
                    List<RedisURI> sentinels = redis.sentinel().nodes().stream()
                            .map(node -> uri(node.host(), node.port(), password, commandTimeout)).toList();
                    RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(redis.sentinel().masterName())
                            .withTimeout(commandTimeout);
                    sentinels.forEach(uri::withSentinel);
                    if (password != null) {
                        uri.withPassword(password);
                    }
                    yield connectOrShutdown(client, () -> SentinelTopology.connect(client, uri.build(),
                            redis.sentinel().masterName(), sentinels, redis.nodes().size() - 1, commandTimeout));
                }
                case CLUSTER -> {
                    List<RedisURI> seeds = redis.nodes().stream()
                            .map(node -> uri(node.host(), node.port(), password, commandTimeout)).toList();
                    RedisClusterClient client = RedisClusterClient.create(resources, seeds);
                    client.setOptions(ClusterClientOptions.builder(clientOptions)
                            .maxRedirects(options.maxRedirections())
                            .validateClusterNodeMembership(true)
                            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                    .enableAllAdaptiveRefreshTriggers()
                                    .adaptiveRefreshTriggersTimeout(first.multipliedBy(ADAPTIVE_REFRESH_FACTOR))
                                    .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
                                    .enablePeriodicRefresh(PERIODIC_REFRESH)
                                    .build())
                            .build());
                    yield connectOrShutdown(client::shutdown,
                            () -> ClusterTopology.connect(client, redis.cluster().replicasPerMaster()));
                }
            };
        } catch (RuntimeException e) {
            resources.shutdown();
            throw new CacheUnavailableException("cannot connect to Redis (" + redis.mode().name().toLowerCase(Locale.ROOT)
                    + " at " + addresses(redis) + ")", e);
        }
        return new RedisConnections(resources, redis.mode().name().toLowerCase(Locale.ROOT), topology,
                redis.durability().replicaAcks(),
                redis.durability().timeout());
    }

    private static RedisTopology connectOrShutdown(RedisClient client, Supplier<RedisTopology> connect) {
        return connectOrShutdown(client::shutdown, connect);
    }

    private static RedisTopology connectOrShutdown(Runnable shutdown, Supplier<RedisTopology> connect) {
        try {
            return connect.get();
        } catch (RuntimeException e) {
            shutdown.run();
            throw e;
        }
    }

    private static RedisURI uri(String host, int port, char[] password, Duration timeout) {
        RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(timeout);
        if (password != null) {
            uri.withPassword(password);
        }
        return uri.build();
    }

    private static String addresses(RedisCluster redis) {
        return switch (redis.mode()) {
            case STANDALONE -> redis.master().host() + ":" + redis.master().port();
            case SENTINEL -> "Sentinels " + redis.sentinel().nodes().stream().map(RedisAddress::toString).toList();
            case CLUSTER -> redis.nodes().stream().map(node -> node.host() + ":" + node.port()).toList().toString();
        };
    }

    /** standalone, sentinel or cluster ({@code redis.mode}). */
    public String mode() {
        return mode;
    }

    /** Commands on the master(s); safe to call from many (virtual) threads at once. */
    public RedisClusterCommands<String, String> sync() {
        return topology.primary();
    }

    /**
     * The commands of {@link #sync()}, on the same connection(s), answering with futures: for callers
     * on an event loop, which must not wait. A future fails where the blocking call would throw
     * (command timeout included, from the client options), but not always with a
     * {@code RedisException}: a reset connection fails the commands in flight with its
     * {@code IOException}, which the blocking call wraps. A command may also throw at once (no
     * master for a slot).
     */
    public RedisClusterAsyncCommands<String, String> async() {
        return topology.primaryAsync();
    }

    /**
     * Commands whose reads may be served by a replica, for data that is correct even when it lags
     * (values under keys that never change meaning, such as a cache entry of one generation).
     */
    public RedisClusterCommands<String, String> replicaReads() {
        return topology.replicaReads();
    }

    /**
     * Runs a write that must survive the loss of its master (a session, a cache generation): on the
     * master owning {@code key}, then {@code WAIT} until {@code redis.durability.replicaAcks}
     * replicas hold it (at most the replicas there are). A failover promotes the most up-to-date
     * replica, so an acknowledged write is on the new master. If too few replicas answer within the
     * timeout the write still stands on the master, is counted ({@link #unreplicatedWrites()}) and
     * {@link NotReplicatedException} tells the caller, who decides whether that is good enough.
     */
    public <T> T durably(String key, Function<RedisClusterCommands<String, String>, T> write) {
        return topology.onMasterOf(key, commands -> {
            T result = write.apply(commands);
            if (replicaAcks > 0) {
                long acknowledged = commands.waitForReplication(replicaAcks, waitMillis);
                if (acknowledged < replicaAcks) {
                    unreplicated(acknowledged);
                    throw new NotReplicatedException("a write to " + key + " reached " + acknowledged + " of "
                            + replicaAcks + " replicas within " + waitMillis + " ms");
                }
            }
            return result;
        });
    }

    private void unreplicated(long acknowledged) {
        unreplicatedWrites.increment();
        long now = System.nanoTime();
        long last = lastUnreplicatedLog.get();
        if (now - last > UNREPLICATED_LOG_EVERY.toNanos() && lastUnreplicatedLog.compareAndSet(last, now)) {
            LOG.warn("a durable Redis write reached {} of {} replicas within {} ms ({} such writes so far)",
                    acknowledged, replicaAcks, waitMillis, unreplicatedWrites.sum());
        }
    }

    /** Durable writes that fewer replicas than required acknowledged in time. */
    public long unreplicatedWrites() {
        return unreplicatedWrites.sum();
    }

    /** One Redis server as health reports it: where it is, the role it has, whether it is reachable. */
    public record NodeStatus(String address, String role, boolean up) {
    }

    /** Every data node with its current role; exactly one master per shard of the keyspace when healthy. */
    public List<NodeStatus> nodes() {
        try {
            return topology.nodes();
        } catch (RuntimeException e) {
            // Health must answer even when the view of the topology is half-known.
            return List.of();
        }
    }

    /** True when the master(s) answer PING now. */
    public boolean isUp() {
        try {
            return "PONG".equals(topology.primary().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        topology.close();
        resources.shutdown();
    }
}
