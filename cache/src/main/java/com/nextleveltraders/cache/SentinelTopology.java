package com.nextleveltraders.cache;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A master and its replicas under Sentinels. Lettuce asks the Sentinels where the master is and
 * follows their announcements ({@code +switch-master}) when they promote a replica, so after a
 * failover commands go to the new master without a restart.
 */
final class SentinelTopology implements RedisTopology {

    private final RedisClient client;
    private final String masterName;
    private final List<RedisURI> sentinels;
    private final int replicas;
    private final StatefulRedisMasterReplicaConnection<String, String> primary;
    private final StatefulRedisMasterReplicaConnection<String, String> replicaReads;
    private StatefulRedisSentinelConnection<String, String> sentinel; // guarded by this
    private int preferred; // guarded by this: the Sentinel to ask first

    private SentinelTopology(RedisClient client, String masterName, List<RedisURI> sentinels, int replicas,
            StatefulRedisMasterReplicaConnection<String, String> primary,
            StatefulRedisMasterReplicaConnection<String, String> replicaReads) {
        this.client = client;
        this.masterName = masterName;
        this.sentinels = sentinels;
        this.replicas = replicas;
        this.primary = primary;
        this.replicaReads = replicaReads;
    }

    /** {@code uri} names the Sentinels and the master; {@code sentinels} are the same Sentinels one by one. */
    static SentinelTopology connect(RedisClient client, RedisURI uri, String masterName, List<RedisURI> sentinels,
            int replicas) {
        StatefulRedisMasterReplicaConnection<String, String> primary = MasterReplica.connect(client, StringCodec.UTF8,
                uri);
        primary.setReadFrom(ReadFrom.UPSTREAM);
        StatefulRedisMasterReplicaConnection<String, String> replicaReads;
        try {
            replicaReads = MasterReplica.connect(client, StringCodec.UTF8, uri);
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
        replicaReads.setReadFrom(ReadFrom.REPLICA_PREFERRED);
        return new SentinelTopology(client, masterName, List.copyOf(sentinels), replicas, primary, replicaReads);
    }

    @Override
    public RedisClusterCommands<String, String> primary() {
        return primary.sync();
    }

    @Override
    public RedisClusterCommands<String, String> replicaReads() {
        return replicaReads.sync();
    }

    @Override
    public <T> T onMasterOf(String key, Function<RedisClusterCommands<String, String>, T> work) {
        // Writes (and WAIT) on a master/replica connection all go down its one connection to the master.
        return work.apply(primary.sync());
    }

    @Override
    public int replicasPerMaster() {
        return replicas;
    }

    /** The data nodes as the Sentinels see them: the master, then each replica. */
    @Override
    public List<RedisConnections.NodeStatus> nodes() {
        for (int attempt = 0; attempt < sentinels.size(); attempt++) {
            try {
                var commands = sentinel().sync();
                List<RedisConnections.NodeStatus> nodes = new ArrayList<>();
                nodes.add(status(commands.master(masterName)));
                commands.replicas(masterName).forEach(replica -> nodes.add(status(replica)));
                return nodes;
            } catch (RuntimeException e) {
                dropSentinel();
            }
        }
        return List.of();
    }

    private static RedisConnections.NodeStatus status(Map<String, String> node) {
        String flags = node.getOrDefault("flags", "");
        String role = flags.contains("master") ? "master" : flags.contains("slave") ? "replica" : "unknown";
        boolean up = !(flags.contains("s_down") || flags.contains("o_down") || flags.contains("disconnected"));
        return new RedisConnections.NodeStatus(node.get("ip") + ":" + node.get("port"), role, up);
    }

    private synchronized StatefulRedisSentinelConnection<String, String> sentinel() {
        if (sentinel == null) {
            sentinel = client.connectSentinel(sentinels.get(preferred));
        }
        return sentinel;
    }

    /** Forgets the Sentinel that just failed; the next call asks the next one in the list. */
    private synchronized void dropSentinel() {
        if (sentinel != null) {
            sentinel.closeAsync();
            sentinel = null;
        }
        preferred = (preferred + 1) % sentinels.size();
    }

    @Override
    public synchronized void close() {
        if (sentinel != null) {
            sentinel.close();
        }
        replicaReads.close();
        primary.close();
        client.shutdown();
    }
}
