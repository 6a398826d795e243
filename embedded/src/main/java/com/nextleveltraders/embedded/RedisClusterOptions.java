package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run a local Redis Cluster.
 *
 * @param baseDir           holds {@code password} (shared by every node), {@code ports} (the ports chosen when the
 *                          cluster was created, reused by later runs) and {@code node-1}, {@code node-2}, ...
 * @param logDir            gets {@code redis-1.log}, {@code redis-2.log}, ...
 * @param masters           nodes that own hash slots, 0..16383 split evenly among them; failover needs a majority
 *                          of them alive, so at least 3 for a cluster that survives losing one
 * @param replicasPerMaster replicas of each master
 * @param nodeTimeout       Redis's cluster-node-timeout: how long a node may go unanswered before it is suspected
 *                          down; a replica takes over a failed master shortly after
 * @param watchPid          stop every node when this process dies; 0 for none
 * @param settings          extra redis.conf directives for every node, as in {@link RedisServerOptions#settings()}; the
 *                          cluster directives are managed
 */
public record RedisClusterOptions(Path baseDir, Path logDir, int masters, int replicasPerMaster, Duration nodeTimeout,
                                  long watchPid, Map<String, String> settings) {

    private static final Set<String> MANAGED;

    static {
        Set<String> managed = new HashSet<>(RedisServerOptions.MANAGED);
        managed.addAll(Set.of("replicaof", "slaveof", "cluster-enabled", "cluster-config-file",
                "cluster-node-timeout", "cluster-port"));
        MANAGED = Set.copyOf(managed);
    }

    public RedisClusterOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logDir, "logDir");
        if (masters < 1) {
            throw new IllegalArgumentException("masters must be 1 or more, not " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicasPerMaster must be 0 or more, not " + replicasPerMaster);
        }
        if (masters * (1 + replicasPerMaster) > 64) {
            throw new IllegalArgumentException("at most 64 nodes in a local cluster, not "
                    + masters * (1 + replicasPerMaster));
        }
        SentinelOptions.requirePositiveMillis(nodeTimeout, "nodeTimeout");
        Settings.watchPid(watchPid);
        settings = Settings.copy(settings, RedisServerOptions.SETTING, MANAGED, "Redis");
    }

    /** Logs in {@code baseDir/logs}, 3 masters with 1 replica each, node timeout 5 s, no watched process. */
    public static RedisClusterOptions defaults(Path baseDir) {
        return new RedisClusterOptions(baseDir, baseDir.resolve("logs"), 3, 1, Duration.ofSeconds(5), 0, Map.of());
    }

    public int nodeCount() {
        return masters * (1 + replicasPerMaster);
    }

    public RedisClusterOptions withLogDir(Path logDir) {
        return new RedisClusterOptions(baseDir, logDir, masters, replicasPerMaster, nodeTimeout, watchPid, settings);
    }

    public RedisClusterOptions withShape(int masters, int replicasPerMaster) {
        return new RedisClusterOptions(baseDir, logDir, masters, replicasPerMaster, nodeTimeout, watchPid, settings);
    }

    public RedisClusterOptions withNodeTimeout(Duration nodeTimeout) {
        return new RedisClusterOptions(baseDir, logDir, masters, replicasPerMaster, nodeTimeout, watchPid, settings);
    }

    public RedisClusterOptions withWatchPid(long watchPid) {
        return new RedisClusterOptions(baseDir, logDir, masters, replicasPerMaster, nodeTimeout, watchPid, settings);
    }

    public RedisClusterOptions withSettings(Map<String, String> settings) {
        return new RedisClusterOptions(baseDir, logDir, masters, replicasPerMaster, nodeTimeout, watchPid, settings);
    }
}
