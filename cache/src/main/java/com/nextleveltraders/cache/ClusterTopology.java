package com.nextleveltraders.cache;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ConnectionIntent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Redis Cluster: Lettuce routes each command to the master of its key's slot, follows MOVED and
 * ASK redirects (up to {@code redis.options.maxRedirections}) and refreshes its view of the slots
 * when nodes disconnect or redirect, so a promoted replica takes over its slots' traffic.
 */
final class ClusterTopology implements RedisTopology {

    private final RedisClusterClient client;
    private final int replicas;
    private final StatefulRedisClusterConnection<String, String> primary;
    private final StatefulRedisClusterConnection<String, String> replicaReads;

    private ClusterTopology(RedisClusterClient client, int replicas,
            StatefulRedisClusterConnection<String, String> primary,
            StatefulRedisClusterConnection<String, String> replicaReads) {
        this.client = client;
        this.replicas = replicas;
        this.primary = primary;
        this.replicaReads = replicaReads;
    }

    static ClusterTopology connect(RedisClusterClient client, int replicas) {
        StatefulRedisClusterConnection<String, String> primary = client.connect(StringCodec.UTF8);
        primary.setReadFrom(ReadFrom.UPSTREAM);
        StatefulRedisClusterConnection<String, String> replicaReads;
        try {
            replicaReads = client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
        replicaReads.setReadFrom(ReadFrom.REPLICA_PREFERRED);
        return new ClusterTopology(client, replicas, primary, replicaReads);
    }

    @Override
    public RedisClusterCommands<String, String> primary() {
        return primary.sync();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> primaryAsync() {
        return primary.async();
    }

    @Override
    public RedisClusterCommands<String, String> replicaReads() {
        return replicaReads.sync();
    }

    /**
     * WAIT carries no key, so the cluster connection could send it to any node: run the write and
     * its WAIT on the connection to the slot's master instead. If that node has just lost the slot
     * (MOVED during a failover), refresh the slot map and try once more on the new owner.
     */
    @Override
    public <T> T onMasterOf(String key, Function<RedisClusterCommands<String, String>, T> work) {
        try {
            return work.apply(masterConnection(key));
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("MOVED")) {
                throw e;
            }
            client.refreshPartitions();
            return work.apply(masterConnection(key));
        }
    }

    private RedisClusterCommands<String, String> masterConnection(String key) {
        RedisClusterNode master = primary.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (master == null) {
            client.refreshPartitions();
            master = primary.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        }
        if (master == null) {
            throw new CacheUnavailableException("no Redis master serves the slot of " + key, null);
        }
        return primary.getConnection(master.getNodeId(), ConnectionIntent.WRITE).sync();
    }

    @Override
    public int replicasPerMaster() {
        return replicas;
    }

    /** Every node as a live node reports the cluster ({@code CLUSTER NODES}), else as last known here. */
    @Override
    public List<RedisConnections.NodeStatus> nodes() {
        Partitions partitions;
        try {
            partitions = ClusterPartitionParser.parse(primary.sync().clusterNodes());
        } catch (RuntimeException e) {
            partitions = primary.getPartitions();
        }
        List<RedisConnections.NodeStatus> nodes = new ArrayList<>();
        for (RedisClusterNode node : partitions) {
            if (node.getUri() == null) {
                continue; // a node the cluster knows of but has no address for (noaddr)
            }
            String role = node.is(RedisClusterNode.NodeFlag.UPSTREAM) ? "master"
                    : node.is(RedisClusterNode.NodeFlag.REPLICA) ? "replica" : "unknown";
            boolean up = !(node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
                    || node.is(RedisClusterNode.NodeFlag.NOADDR)) && node.isConnected();
            nodes.add(new RedisConnections.NodeStatus(node.getUri().getHost() + ":" + node.getUri().getPort(), role,
                    up));
        }
        nodes.sort(java.util.Comparator.comparing(RedisConnections.NodeStatus::address));
        return nodes;
    }

    @Override
    public void close() {
        replicaReads.close();
        primary.close();
        client.shutdown();
    }
}
