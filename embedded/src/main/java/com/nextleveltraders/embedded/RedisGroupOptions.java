package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run a local Redis master with replicas under Sentinel.
 *
 * @param baseDir         holds {@code password} (shared by every node and sentinel), {@code node-1}, {@code node-2},
 *                        ... and {@code sentinel-1}, ...; reused across runs
 * @param logDir          gets {@code redis-1.log}, ... and {@code sentinel-1.log}, ...
 * @param replicas        data nodes besides the master
 * @param sentinels       how many sentinels watch the master
 * @param masterName      the name clients ask the sentinels about
 * @param quorum          sentinels that must agree the master is down before a failover starts (a failover also
 *                        needs a majority of all sentinels to elect a leader)
 * @param downAfter       how long the master may go unanswered before a sentinel considers it down
 * @param failoverTimeout Sentinel's failover-timeout; a failed failover is retried after twice this
 * @param watchPid        stop every server when this process dies; 0 for none
 * @param settings        extra redis.conf directives for the data nodes, as in {@link RedisServerOptions#settings()}; the
 *                        group manages replicaof itself
 */
public record RedisGroupOptions(Path baseDir, Path logDir, int replicas, int sentinels, String masterName, int quorum,
                                Duration downAfter, Duration failoverTimeout, long watchPid,
                                Map<String, String> settings) {

    private static final Set<String> MANAGED;

    static {
        Set<String> managed = new HashSet<>(RedisServerOptions.MANAGED);
        managed.addAll(Set.of("replicaof", "slaveof", "cluster-enabled"));
        MANAGED = Set.copyOf(managed);
    }

    public RedisGroupOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logDir, "logDir");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
        }
        if (sentinels < 1) {
            throw new IllegalArgumentException("sentinels must be 1 or more, not " + sentinels);
        }
        SentinelOptions.requireMasterName(masterName);
        if (quorum < 1 || quorum > sentinels) {
            throw new IllegalArgumentException("quorum must be 1.." + sentinels + " (the number of sentinels), not "
                    + quorum);
        }
        SentinelOptions.requirePositiveMillis(downAfter, "downAfter");
        SentinelOptions.requirePositiveMillis(failoverTimeout, "failoverTimeout");
        Settings.watchPid(watchPid);
        settings = Settings.copy(settings, RedisServerOptions.SETTING, MANAGED, "Redis");
    }

    /**
     * Logs in {@code baseDir/logs}, 2 replicas, 3 sentinels with quorum 2, master name {@code nlt}, down after 5 s,
     * failover timeout 20 s, no watched process.
     */
    public static RedisGroupOptions defaults(Path baseDir) {
        return new RedisGroupOptions(baseDir, baseDir.resolve("logs"), 2, 3, "nlt", 2, Duration.ofSeconds(5),
                Duration.ofSeconds(20), 0, Map.of());
    }

    public RedisGroupOptions withLogDir(Path logDir) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    public RedisGroupOptions withReplicas(int replicas) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    /** Also sets the quorum: sentinels and quorum are checked against each other. */
    public RedisGroupOptions withSentinels(int sentinels, int quorum) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    public RedisGroupOptions withMasterName(String masterName) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    public RedisGroupOptions withTimeouts(Duration downAfter, Duration failoverTimeout) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    public RedisGroupOptions withWatchPid(long watchPid) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }

    public RedisGroupOptions withSettings(Map<String, String> settings) {
        return new RedisGroupOptions(baseDir, logDir, replicas, sentinels, masterName, quorum, downAfter,
                failoverTimeout, watchPid, settings);
    }
}
