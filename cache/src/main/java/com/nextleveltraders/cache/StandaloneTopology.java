package com.nextleveltraders.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;
import java.util.function.Function;

/** One node, no replicas: everything on one multiplexed connection. */
final class StandaloneTopology implements RedisTopology {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String address;

    private StandaloneTopology(RedisClient client, StatefulRedisConnection<String, String> connection, String address) {
        this.client = client;
        this.connection = connection;
        this.address = address;
    }

    static StandaloneTopology connect(RedisClient client, RedisURI uri) {
        return new StandaloneTopology(client, client.connect(uri), uri.getHost() + ":" + uri.getPort());
    }

    @Override
    public RedisClusterCommands<String, String> primary() {
        return connection.sync();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> primaryAsync() {
        return connection.async();
    }

    @Override
    public RedisClusterCommands<String, String> replicaReads() {
        return connection.sync();
    }

    @Override
    public <T> T onMasterOf(String key, Function<RedisClusterCommands<String, String>, T> work) {
        return work.apply(connection.sync());
    }

    @Override
    public int replicasPerMaster() {
        return 0;
    }

    @Override
    public List<RedisConnections.NodeStatus> nodes() {
        try {
            String role = InfoFields.of(connection.sync().info("replication")).getOrDefault("role", "unknown");
            return List.of(new RedisConnections.NodeStatus(address, InfoFields.role(role), true));
        } catch (RuntimeException e) {
            return List.of(new RedisConnections.NodeStatus(address, "unknown", false));
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
