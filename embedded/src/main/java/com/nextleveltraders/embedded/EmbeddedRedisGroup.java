package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis master with replicas and the sentinels that fail over between them, for running and testing what
 * production does with Sentinel. Every node and sentinel shares one password ({@link #passwordFile()}) and listens on
 * 127.0.0.1; data is kept in each node's append-only file.
 *
 * <p>The node that was master when the group last stopped starts as the master, the others as its replicas: they
 * drop their data for a full copy of the master's.
 */
public final class EmbeddedRedisGroup implements AutoCloseable {

    private static final long FAILOVER_POLL_MS = 200;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisGroup.class);

    private final RedisGroupOptions options;
    private final Path passwordFile;
    private final GroupReadiness readiness;
    private final GroupMaster master;
    private final List<RedisServerOptions> nodeOptions;
    /** Each sentinel's options, updated with the master it was last started to watch. */
    private final List<SentinelOptions> sentinelOptions = new ArrayList<>();
    private final List<EmbeddedRedis> nodes = new ArrayList<>();
    private final List<EmbeddedSentinel> sentinels = new ArrayList<>();
    private boolean closed;

    private EmbeddedRedisGroup(RedisGroupOptions options, Path passwordFile, String password,
                               List<RedisServerOptions> nodeOptions) {
        this.options = options;
        this.passwordFile = passwordFile;
        this.readiness = new GroupReadiness(options.masterName(), password);
        this.master = new GroupMaster(options.masterName(), password, options.baseDir());
        this.nodeOptions = nodeOptions;
    }

    /**
     * Starts the master, its replicas, then the sentinels, and returns once every replica is in sync
     * ({@code state=online} on the master) and every sentinel knows the master, every replica and the other sentinels,
     * so that a failover can happen from then on.
     */
    public static EmbeddedRedisGroup start(RedisGroupOptions options) {
        Objects.requireNonNull(options, "options");
        ServerSet.Layout layout = ServerSet.prepare(options.baseDir(), options.logDir(), options.watchPid());
        List<RedisServerOptions> nodeOptions = new ArrayList<>();
        for (int i = 1; i <= options.replicas() + 1; i++) {
            nodeOptions.add(new RedisServerOptions(layout.baseDir().resolve("node-" + i),
                    layout.logDir().resolve("redis-" + i + ".log"), 0, options.watchPid(), options.settings(),
                    layout.passwordFile()));
        }
        EmbeddedRedisGroup group = new EmbeddedRedisGroup(options, layout.passwordFile(), layout.password(),
                List.copyOf(nodeOptions));
        return ServerSet.startOrClose(group, group::startAll);
    }

    /**
     * The node that was master when the group last stopped starts as the master again, so that what
     * was written after a failover is not overwritten by an older copy when the others resync from it.
     */
    private synchronized void startAll() {
        int first = master.recorded(nodeOptions.size());
        EmbeddedRedis[] started = new EmbeddedRedis[nodeOptions.size()];
        EmbeddedRedis firstMaster = EmbeddedRedis.start(nodeOptions.get(first));
        started[first] = firstMaster;
        for (int i = 0; i < nodeOptions.size(); i++) {
            if (i != first) {
                started[i] = EmbeddedRedis.start(asReplica(nodeOptions.get(i), firstMaster.port()));
            }
        }
        nodes.addAll(List.of(started));
        readiness.awaitReplicasOnline(firstMaster.port(), replicaPorts(firstMaster.port()));
        Path baseDir = options.baseDir().toAbsolutePath().normalize();
        Path logDir = options.logDir().toAbsolutePath().normalize();
        for (int i = 1; i <= options.sentinels(); i++) {
            SentinelOptions sentinel = new SentinelOptions(baseDir.resolve("sentinel-" + i),
                    logDir.resolve("sentinel-" + i + ".log"), 0, options.watchPid(), options.masterName(),
                    firstMaster.host(), firstMaster.port(), options.quorum(), options.downAfter(),
                    options.failoverTimeout(), passwordFile);
            sentinelOptions.add(sentinel);
            sentinels.add(EmbeddedSentinel.start(sentinel));
        }
        RedisServerAddress masterAddress = new RedisServerAddress(firstMaster.host(), firstMaster.port());
        for (EmbeddedSentinel sentinel : sentinels) {
            readiness.awaitSentinelInformed(sentinel, masterAddress, replicaPorts(masterAddress.port()),
                    options.sentinels() - 1);
        }
        log.info("Redis group {} ready: master {}, replicas on {}, sentinels on {}", options.masterName(),
                masterAddress, replicaPorts(firstMaster.port()),
                sentinels.stream().map(EmbeddedSentinel::port).toList());
    }

    private static RedisServerOptions asReplica(RedisServerOptions node, int masterPort) {
        Map<String, String> settings = new LinkedHashMap<>(node.settings());
        settings.put("replicaof", RedisServers.HOST + " " + masterPort);
        return node.withSettings(settings);
    }

    /** The ports of the data nodes other than the one on {@code masterPort}, running or not. */
    private Set<Integer> replicaPorts(int masterPort) {
        return nodes.stream().map(EmbeddedRedis::port).filter(port -> port != masterPort)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The data nodes in start order (node 1 first); a restarted node replaces the one it restarts. */
    public synchronized List<EmbeddedRedis> nodes() {
        return List.copyOf(nodes);
    }

    public synchronized List<EmbeddedSentinel> sentinels() {
        return List.copyOf(sentinels);
    }

    public String masterName() {
        return options.masterName();
    }

    /** The 0600 file with the password of every node and sentinel. */
    public Path passwordFile() {
        return passwordFile;
    }

    /**
     * Where the sentinels say the master is now: the first sentinel that answers decides. Right after the master died,
     * and until the sentinels fail over, that is still the dead master.
     */
    public synchronized RedisServerAddress currentMaster() {
        return master.fromSentinels(sentinels);
    }

    /**
     * Starts data node {@code index} (0-based, as in {@link #nodes()}) again on its port, after it exited or was
     * killed. It comes back as a replica of the master the sentinels name, so that it does not return as a second
     * master with old data: if it was the master, this first waits for the sentinels to promote a replica, and only
     * when they do not within their deadlines does it come back as the master. Returns once it answers PING; its resync with the master follows in the background.
     */
    public EmbeddedRedis restartNode(int index) {
        EmbeddedRedis old;
        synchronized (this) {
            requireOpen();
            old = ServerSet.requireStopped(nodes, index, "node", EmbeddedRedis::process);
        }
        old.close(); // reaps its watchdog
        // Outside the lock: the wait can last as long as a failover, and close() must not wait for it.
        RedisServerAddress now = awaitFailover(old.port());
        RedisServerOptions node = nodeOptions.get(index).withPort(old.port());
        if (now.port() == old.port()) {
            log.warn("Sentinels still name node {} on port {} as the master after {} s; restarting it as the master",
                    index + 1, old.port(), failoverWait().toSeconds());
        } else {
            log.info("Restarting node {} on port {} as a replica of {}", index + 1, old.port(), now);
            node = asReplica(node, now.port());
        }
        synchronized (this) {
            requireOpen();
            EmbeddedRedis restarted = EmbeddedRedis.start(node);
            nodes.set(index, restarted);
            return restarted;
        }
    }

    /**
     * A master that died is started again only once the Sentinels have promoted a replica, so that it
     * returns as a replica and resyncs, rather than as the master with a copy that may be older (after
     * a machine crash its append-only file can miss the last second). Gives up waiting after the
     * Sentinels' own deadlines; the master the Sentinels name then.
     */
    private RedisServerAddress awaitFailover(int deadPort) {
        long deadline = System.nanoTime() + failoverWait().toNanos();
        RedisServerAddress named = null;
        while (System.nanoTime() - deadline < 0 && !isClosed()) {
            try {
                named = currentMaster();
                if (named.port() != deadPort) {
                    recordMaster();
                    return named;
                }
            } catch (EmbeddedServerException noSentinelAnswers) {
                // a Sentinel may be restarting too: ask again
            }
            Procs.pause(FAILOVER_POLL_MS);
        }
        return named != null ? named : currentMaster();
    }

    private Duration failoverWait() {
        return options.downAfter().plus(options.failoverTimeout()).plusSeconds(5);
    }

    /**
     * Starts sentinel {@code index} (0-based, as in {@link #sentinels()}) again on its port, after it exited or was
     * killed, watching the master the other sentinels (or, failing them, the data nodes) name now. Returns once it
     * knows that master, the replicas and the other sentinels.
     */
    public EmbeddedSentinel restartSentinel(int index) {
        EmbeddedSentinel old;
        synchronized (this) {
            requireOpen();
            old = ServerSet.requireStopped(sentinels, index, "sentinel", EmbeddedSentinel::process);
        }
        old.close();
        RedisServerAddress named = masterForSentinel();
        EmbeddedSentinel restarted;
        synchronized (this) {
            requireOpen();
            sentinelOptions.set(index, sentinelOptions.get(index).withMaster(named.host(), named.port())
                    .withPort(old.port()));
            restarted = EmbeddedSentinel.start(sentinelOptions.get(index));
            sentinels.set(index, restarted);
        }
        // Outside the lock, and only for what holds even mid-failover or with a node down.
        readiness.awaitSentinelKnowsAMaster(restarted);
        return restarted;
    }

    /** With no other sentinel answering, the running data node that says it is the master. */
    private RedisServerAddress masterForSentinel() {
        try {
            return currentMaster();
        } catch (EmbeddedServerException noSentinel) {
            return master.fromNodes(nodes()).orElseThrow(() -> noSentinel);
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Redis group " + options.masterName() + " is closed");
        }
    }

    private synchronized void recordMaster() {
        try {
            RedisServerAddress now = currentMaster();
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).port() == now.port()) {
                    master.record(i);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not record which Redis node is the master: {}", e.toString());
        }
    }

    /**
     * Stops the sentinels first (so that stopping the master starts no failover), then the data nodes,
     * after recording which node is the master for the next start.
     */
    @Override
    public synchronized void close() {
        if (!closed && !sentinels.isEmpty()) {
            recordMaster();
        }
        closed = true;
        List<AutoCloseable> servers = new ArrayList<>(sentinels.reversed());
        servers.addAll(nodes.reversed());
        ServerSet.closeAll(servers);
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedRedisGroup[" + options.masterName() + ", nodes " + nodes + ", sentinels " + sentinels + "]";
    }
}
