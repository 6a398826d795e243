package com.nextleveltraders.cache;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce connection to the Redis node in {@code platform.redis}. Lettuce multiplexes every
 * command of every thread over it, so one connection serves the whole instance.
 */
public final class RedisConnections implements AutoCloseable {

    // Reconnect delays double from retryDelayOnFailover up to this multiple of it (100 ms → 2 s).
    private static final int MAX_BACKOFF_FACTOR = 20;

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String address;

    private RedisConnections(ClientResources resources, RedisClient client,
            StatefulRedisConnection<String, String> connection, String address) {
        this.address = address;
        this.resources = resources;
        this.client = client;
        this.connection = connection;
    }

    public static RedisConnections open(PlatformConfig config) {
        var endpoint = config.platform().redis();
        var options = config.redis().options();
        Duration commandTimeout = config.database().pool().connectionTimeout();
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(endpoint.host())
                .withPort(endpoint.port())
                .withTimeout(commandTimeout);
        if (endpoint.passwordFile() != null) {
            uri.withPassword(Secrets.read(endpoint.passwordFile()).toCharArray());
        }
        // The strategy's retryDelayOnFailover is the first reconnect delay; back off from there.
        Duration first = options.retryDelayOnFailover();
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(first, first.multipliedBy(MAX_BACKOFF_FACTOR), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .pingBeforeActivateConnection(options.enableReadyCheck())
                // While disconnected, fail commands at once instead of queueing them: a request
                // then gets a clear 503 rather than waiting for the command timeout.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        StatefulRedisConnection<String, String> connection;
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new CacheUnavailableException("cannot connect to Redis at " + endpoint.host() + ":" + endpoint.port(), e);
        }
        return new RedisConnections(resources, client, connection, endpoint.host() + ":" + endpoint.port());
    }

    /** Synchronous commands; safe to call from many (virtual) threads at once. */
    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    /** One Redis server as health reports it: where it is, the role it reports, whether it answered. */
    public record NodeStatus(String address, String role, boolean up) {
    }

    /**
     * Every node this instance talks to, with the role each reports ({@code INFO replication}).
     * One node for now; with replicas and failover each one is listed and exactly one is master.
     */
    public List<NodeStatus> nodes() {
        try {
            String info = connection.sync().info("replication");
            String role = info.lines().filter(line -> line.startsWith("role:")).map(line -> line.substring(5).strip())
                    .findFirst().orElse("unknown");
            return List.of(new NodeStatus(address, role, true));
        } catch (RuntimeException e) {
            return List.of(new NodeStatus(address, "unknown", false));
        }
    }

    /** True when Redis answers PING now. */
    public boolean isUp() {
        try {
            return "PONG".equals(connection.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        resources.shutdown();
    }
}
