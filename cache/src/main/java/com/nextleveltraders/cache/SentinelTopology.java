package com.nextleveltraders.cache;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master and its replicas under Sentinels. Lettuce asks the Sentinels where the master is and
 * follows their announcements when they promote a replica, but only 5 s after the first one
 * (usually {@code +sdown}, itself {@code redis.sentinel.downAfter} after the master died). To resume
 * sooner, this also listens for {@code +switch-master} and then reconnects at once, to the master
 * the Sentinels name now.
 */
final class SentinelTopology implements RedisTopology {

    private static final Logger LOG = LoggerFactory.getLogger(SentinelTopology.class);
    private static final String SWITCH_MASTER = "+switch-master";

    /** The connections in use; replaced whole after a failover. */
    private record Connections(StatefulRedisMasterReplicaConnection<String, String> primary,
            StatefulRedisMasterReplicaConnection<String, String> replicaReads) {

        static Connections open(RedisClient client, RedisURI uri) {
            StatefulRedisMasterReplicaConnection<String, String> primary = MasterReplica.connect(client,
                    StringCodec.UTF8, uri);
            primary.setReadFrom(ReadFrom.UPSTREAM);
            try {
                StatefulRedisMasterReplicaConnection<String, String> replicaReads = MasterReplica.connect(client,
                        StringCodec.UTF8, uri);
                replicaReads.setReadFrom(ReadFrom.REPLICA_PREFERRED);
                return new Connections(primary, replicaReads);
            } catch (RuntimeException e) {
                primary.close();
                throw e;
            }
        }

        void closeAsync() {
            primary.closeAsync();
            replicaReads.closeAsync();
        }
    }

    private final RedisClient client;
    private final RedisURI uri;
    private final String masterName;
    private final List<RedisURI> sentinels;
    private final int replicas;
    private final Duration closeGrace;
    private volatile Connections connections;
    private volatile boolean closed;
    private StatefulRedisPubSubConnection<String, String> announcements; // guarded by this
    private StatefulRedisSentinelConnection<String, String> sentinel; // guarded by this
    private int preferred; // guarded by this: the Sentinel to ask first

    private SentinelTopology(RedisClient client, RedisURI uri, String masterName, List<RedisURI> sentinels,
            int replicas, Duration closeGrace, Connections connections) {
        this.closeGrace = closeGrace;
        this.client = client;
        this.uri = uri;
        this.masterName = masterName;
        this.sentinels = sentinels;
        this.replicas = replicas;
        this.connections = connections;
    }

    /** {@code uri} names the Sentinels and the master; {@code sentinels} are the same Sentinels one by one. */
    static SentinelTopology connect(RedisClient client, RedisURI uri, String masterName, List<RedisURI> sentinels,
            int replicas, Duration commandTimeout) {
        SentinelTopology topology = new SentinelTopology(client, uri, masterName, List.copyOf(sentinels), replicas,
                commandTimeout, Connections.open(client, uri));
        topology.listenForFailovers();
        return topology;
    }

    /**
     * Subscribes to the first Sentinel that answers. Lettuce resubscribes after a reconnect; should
     * that Sentinel stay away, Lettuce's own (slower) topology refresh still follows a failover.
     */
    private synchronized void listenForFailovers() {
        for (RedisURI candidate : sentinels) {
            StatefulRedisPubSubConnection<String, String> pubSub = null;
            try {
                pubSub = client.connectPubSub(candidate);
                pubSub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        // "<master name> <old ip> <old port> <new ip> <new port>"
                        if (SWITCH_MASTER.equals(channel) && message.startsWith(masterName + " ")) {
                            Thread.ofVirtual().name("redis-failover").start(() -> reconnect(message));
                        }
                    }
                });
                pubSub.sync().subscribe(SWITCH_MASTER);
                announcements = pubSub;
                return;
            } catch (RuntimeException e) {
                LOG.debug("Sentinel {} does not answer: {}", candidate, e.toString());
                if (pubSub != null) {
                    pubSub.closeAsync();
                }
            }
        }
        LOG.warn("No Sentinel answered a subscription to {}; failovers are followed by the client's own refresh",
                SWITCH_MASTER);
    }

    private synchronized void reconnect(String announcement) {
        if (closed) {
            return;
        }
        try {
            Connections next = Connections.open(client, uri);
            Connections previous = connections;
            connections = next;
            // Commands already sent on the old connections finish (or time out) first: closing at
            // once would cancel them, and a cancelled command is not a Redis error callers expect.
            Thread.ofVirtual().name("redis-close-old").start(() -> {
                try {
                    Thread.sleep(closeGrace);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                previous.closeAsync();
            });
            LOG.info("Redis master switched ({}); reconnected", announcement);
        } catch (RuntimeException e) {
            LOG.warn("Redis master switched ({}) but reconnecting failed; the client's own refresh follows: {}",
                    announcement, e.toString());
        }
    }

    @Override
    public RedisClusterCommands<String, String> primary() {
        return connections.primary().sync();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> primaryAsync() {
        // Read once per call, like primary(): after a failover the next command goes to the new master.
        return connections.primary().async();
    }

    @Override
    public RedisClusterCommands<String, String> replicaReads() {
        return connections.replicaReads().sync();
    }

    @Override
    public <T> T onMasterOf(String key, Function<RedisClusterCommands<String, String>, T> work) {
        // Writes (and WAIT) on a master/replica connection all go down its one connection to the master.
        return work.apply(connections.primary().sync());
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
        closed = true;
        if (announcements != null) {
            announcements.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
        Connections last = connections;
        last.replicaReads().close();
        last.primary().close();
        client.shutdown();
    }
}
