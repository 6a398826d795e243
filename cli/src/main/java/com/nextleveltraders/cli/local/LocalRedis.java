package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.RedisAddress;
import com.nextleveltraders.config.RedisNode;
import com.nextleveltraders.config.RedisRole;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisCluster;
import com.nextleveltraders.embedded.EmbeddedRedisGroup;
import com.nextleveltraders.embedded.EmbeddedSentinel;
import com.nextleveltraders.embedded.RedisClusterOptions;
import com.nextleveltraders.embedded.RedisGroupOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Redis tier `nlt up` runs, in the configured shape: a standalone node, a master with replicas
 * under Sentinels, or a Redis Cluster. A node or Sentinel that dies is started again and rejoins (a
 * master comes back as a replica of whoever the Sentinels promoted meanwhile); only the standalone
 * node is fatal to lose.
 */
final class LocalRedis {

    /**
     * Where the tier listens, as the instances reach it.
     *
     * @param nodes     {@code redis.nodes}: every node with its role at start (in a cluster, seeds only:
     *                  clients learn each node's current role from the cluster itself)
     * @param sentinels {@code redis.sentinel.nodes}, empty unless Sentinels run
     * @param passwordFile shared by every node and Sentinel
     */
    record Endpoints(List<RedisNode> nodes, List<RedisAddress> sentinels, Path passwordFile) {

        Endpoints {
            nodes = List.copyOf(nodes);
            sentinels = List.copyOf(sentinels);
        }
    }

    private final Path dataDir;
    private final Path logDir;
    private final Supervisor supervisor;

    LocalRedis(Path dataDir, Path logDir, Supervisor supervisor) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.supervisor = supervisor;
    }

    /** Starts the tier, its processes tracked by the supervisor, and returns where it listens. */
    Endpoints start(PlatformConfig config) {
        long self = ProcessHandle.current().pid();
        var redis = config.redis();
        Map<String, String> settings = Map.of("appendfsync", redis.persistence().appendfsync().name().toLowerCase(
                Locale.ROOT));
        return switch (redis.mode()) {
            case STANDALONE -> standalone(self, settings);
            case SENTINEL -> sentinel(config, self, settings);
            case CLUSTER -> cluster(config, self, settings);
        };
    }

    private Endpoints standalone(long self, Map<String, String> settings) {
        System.out.println("starting Redis...");
        EmbeddedRedis node = EmbeddedRedis.start(new RedisServerOptions(dataDir.resolve("redis"),
                logDir.resolve("redis.log"), 0, self, settings));
        supervisor.track(node, new Supervisor.Child("Redis", Supervisor.handle(node.pid()), node.logFile(), null));
        return new Endpoints(List.of(new RedisNode(node.host(), node.port(), RedisRole.MASTER)), List.of(),
                node.passwordFile());
    }

    private Endpoints sentinel(PlatformConfig config, long self, Map<String, String> settings) {
        var redis = config.redis();
        System.out.println("starting Redis: a master, " + (redis.nodes().size() - 1) + " replicas and "
                + redis.sentinel().nodes().size() + " Sentinels...");
        var sentinel = redis.sentinel();
        EmbeddedRedisGroup group = EmbeddedRedisGroup.start(new RedisGroupOptions(
                dataDir.resolve("redis-sentinel"), logDir, redis.nodes().size() - 1, sentinel.nodes().size(),
                sentinel.masterName(), sentinel.quorum(), sentinel.downAfter(), sentinel.failoverTimeout(),
                self, settings));
        supervisor.stopAtClose(group);
        List<RedisNode> nodes = new ArrayList<>();
        for (int i = 0; i < group.nodes().size(); i++) {
            EmbeddedRedis node = group.nodes().get(i);
            int index = i;
            supervisor.watchAlso(new Supervisor.Child("Redis node " + (i + 1), Supervisor.handle(node.pid()),
                    node.logFile(), () -> {
                        group.restartNode(index);
                        return Supervisor.handle(group.nodes().get(index).pid());
                    }));
            nodes.add(new RedisNode(node.host(), node.port(), i == 0 ? RedisRole.MASTER : RedisRole.REPLICA));
        }
        List<RedisAddress> sentinels = new ArrayList<>();
        for (int i = 0; i < group.sentinels().size(); i++) {
            EmbeddedSentinel node = group.sentinels().get(i);
            int index = i;
            supervisor.watchAlso(new Supervisor.Child("Redis Sentinel " + (i + 1), Supervisor.handle(node.pid()),
                    node.logFile(), () -> {
                        group.restartSentinel(index);
                        return Supervisor.handle(group.sentinels().get(index).pid());
                    }));
            sentinels.add(new RedisAddress(node.host(), node.port()));
        }
        return new Endpoints(nodes, sentinels, group.passwordFile());
    }

    private Endpoints cluster(PlatformConfig config, long self, Map<String, String> settings) {
        var shape = config.redis().cluster();
        System.out.println("starting a Redis Cluster: " + shape.masters() + " masters with "
                + shape.replicasPerMaster() + " replica(s) each...");
        EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(new RedisClusterOptions(
                dataDir.resolve("redis-cluster"), logDir, shape.masters(), shape.replicasPerMaster(),
                shape.nodeTimeout(), self, settings));
        supervisor.stopAtClose(cluster);
        List<RedisNode> nodes = new ArrayList<>();
        for (int i = 0; i < cluster.nodes().size(); i++) {
            EmbeddedRedis node = cluster.nodes().get(i);
            int index = i;
            supervisor.watchAlso(new Supervisor.Child("Redis Cluster node " + (i + 1), Supervisor.handle(node.pid()),
                    node.logFile(), () -> {
                        cluster.restartNode(index);
                        return Supervisor.handle(cluster.nodes().get(index).pid());
                    }));
            nodes.add(new RedisNode(node.host(), node.port(),
                    i < shape.masters() ? RedisRole.MASTER : RedisRole.REPLICA));
        }
        return new Endpoints(nodes, List.of(), cluster.passwordFile());
    }
}
