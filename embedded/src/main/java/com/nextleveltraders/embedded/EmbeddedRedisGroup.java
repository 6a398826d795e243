package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Node 1 always starts as the master and the others as its replicas, so after a run that ended with another
 * master, node 1's data wins: replicas drop theirs for a full copy of the master's.
 */
public final class EmbeddedRedisGroup implements AutoCloseable {

    private static final String MASTER_FILE = "master";
    private static final long FAILOVER_POLL_MS = 200;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisGroup.class);
    /** A replica's first sync copies the master's whole data set. */
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);
    /** Sentinels find replicas through the master's INFO (at once) and each other through hello messages (2 s). */
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(60);

    private final RedisGroupOptions options;
    private final Path passwordFile;
    private final String password;
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
        this.password = password;
        this.nodeOptions = nodeOptions;
    }

    /**
     * Starts the master, its replicas, then the sentinels, and returns once every replica is in sync
     * ({@code state=online} on the master) and every sentinel knows the master, every replica and the other sentinels,
     * so that a failover can happen from then on.
     */
    public static EmbeddedRedisGroup start(RedisGroupOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = ServerDirectory.create(options.baseDir());
        Path logDir = ServerDirectory.create(options.logDir());
        Path passwordFile = baseDir.resolve("password");
        String password = Passwords.loadOrCreate(passwordFile);
        List<RedisServerOptions> nodeOptions = new ArrayList<>();
        for (int i = 1; i <= options.replicas() + 1; i++) {
            nodeOptions.add(new RedisServerOptions(baseDir.resolve("node-" + i), logDir.resolve("redis-" + i + ".log"), 0,
                    options.watchPid(), options.settings(), passwordFile));
        }
        EmbeddedRedisGroup group = new EmbeddedRedisGroup(options, passwordFile, password, List.copyOf(nodeOptions));
        try {
            group.startAll();
        } catch (RuntimeException e) {
            try {
                group.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return group;
    }

    /**
     * The node that was master when the group last stopped starts as the master again, so that what
     * was written after a failover is not overwritten by an older copy when the others resync from it.
     */
    private synchronized void startAll() {
        int first = lastMaster();
        EmbeddedRedis[] started = new EmbeddedRedis[nodeOptions.size()];
        EmbeddedRedis master = EmbeddedRedis.start(nodeOptions.get(first));
        started[first] = master;
        for (int i = 0; i < nodeOptions.size(); i++) {
            if (i != first) {
                started[i] = EmbeddedRedis.start(asReplica(nodeOptions.get(i), master.port()));
            }
        }
        nodes.addAll(List.of(started));
        awaitReplicasOnline(master.port(), replicaPorts(master.port()));
        Path baseDir = options.baseDir().toAbsolutePath().normalize();
        Path logDir = options.logDir().toAbsolutePath().normalize();
        for (int i = 1; i <= options.sentinels(); i++) {
            SentinelOptions sentinel = new SentinelOptions(baseDir.resolve("sentinel-" + i),
                    logDir.resolve("sentinel-" + i + ".log"), 0, options.watchPid(), options.masterName(),
                    master.host(), master.port(), options.quorum(), options.downAfter(), options.failoverTimeout(),
                    passwordFile);
            sentinelOptions.add(sentinel);
            sentinels.add(EmbeddedSentinel.start(sentinel));
        }
        RedisServerAddress masterAddress = new RedisServerAddress(master.host(), master.port());
        for (EmbeddedSentinel sentinel : sentinels) {
            awaitSentinelInformed(sentinel, masterAddress);
        }
        log.info("Redis group {} ready: master {}, replicas on {}, sentinels on {}", options.masterName(),
                masterAddress, replicaPorts(master.port()),
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

    private void awaitReplicasOnline(int masterPort, Set<Integer> replicaPorts) {
        SettleWait.until(SYNC_TIMEOUT, "the master on port " + masterPort + " has replicas " + replicaPorts + " online",
                () -> {
                    Map<String, String> info = RespClient.fields(RespClient.call(RedisServers.HOST, masterPort,
                            password, "INFO", "replication").toString());
                    Set<Integer> online = new TreeSet<>();
                    info.forEach((name, value) -> {
                        Map<String, String> replica = commaFields(value);
                        if (name.matches("slave[0-9]+") && "online".equals(replica.get("state"))) {
                            online.add(Integer.parseInt(replica.getOrDefault("port", "0")));
                        }
                    });
                    return online.containsAll(replicaPorts) ? null : "online replicas " + online;
                });
    }

    /** {@code ip=127.0.0.1,port=7001,state=online} as a map. */
    private static Map<String, String> commaFields(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    /**
     * Until a sentinel knows the replicas it cannot promote one, and until it knows the other sentinels it cannot
     * gather the votes for a failover: wait for both.
     */
    private void awaitSentinelInformed(EmbeddedSentinel sentinel, RedisServerAddress master) {
        Set<Integer> replicaPorts = replicaPorts(master.port());
        int otherSentinels = options.sentinels() - 1;
        String name = options.masterName();
        SettleWait.until(DISCOVERY_TIMEOUT, "sentinel " + sentinel.port() + " knows master " + master + ", replicas "
                + replicaPorts + " and " + otherSentinels + " other sentinel(s)", () -> {
            try (RespClient client = RespClient.connect(sentinel.host(), sentinel.port(), password)) {
                Optional<RedisServerAddress> known = EmbeddedSentinel.masterAddress(client, name);
                if (!known.equals(Optional.of(master))) {
                    return "master " + known.map(RedisServerAddress::toString).orElse("unknown");
                }
                Set<Integer> replicas = healthyPorts(client.list("SENTINEL", "replicas", name));
                Set<Integer> peers = healthyPorts(client.list("SENTINEL", "sentinels", name));
                if (!replicas.containsAll(replicaPorts) || peers.size() < otherSentinels) {
                    return "replicas " + replicas + ", sentinels " + peers;
                }
                return null;
            }
        });
    }

    /** The ports of the instances in a SENTINEL replicas/sentinels reply that the sentinel sees up. */
    private static Set<Integer> healthyPorts(List<Object> instances) {
        Set<Integer> ports = new TreeSet<>();
        for (Object instance : instances == null ? List.of() : instances) {
            Map<String, String> fields = new LinkedHashMap<>();
            List<?> pairs = (List<?>) instance;
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                fields.put(String.valueOf(pairs.get(i)), String.valueOf(pairs.get(i + 1)));
            }
            String flags = fields.getOrDefault("flags", "");
            if (!flags.contains("s_down") && !flags.contains("disconnected")) {
                ports.add(Integer.parseInt(fields.getOrDefault("port", "0")));
            }
        }
        return ports;
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
        List<String> failures = new ArrayList<>();
        for (EmbeddedSentinel sentinel : sentinels) {
            try (RespClient client = RespClient.connect(sentinel.host(), sentinel.port(), password)) {
                Optional<RedisServerAddress> master = EmbeddedSentinel.masterAddress(client, options.masterName());
                if (master.isPresent()) {
                    return master.get();
                }
                failures.add(sentinel.port() + ": does not know " + options.masterName());
            } catch (IOException e) {
                failures.add(sentinel.port() + ": " + e.getMessage());
            }
        }
        throw new EmbeddedServerException("no sentinel of group " + options.masterName() + " says where the master is "
                + failures);
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
            old = nodes.get(Objects.checkIndex(index, nodes.size()));
            if (old.isRunning()) {
                throw new IllegalStateException("node " + (index + 1) + " (pid " + old.pid() + ") is still running");
            }
        }
        old.close(); // reaps its watchdog
        // Outside the lock: the wait can last as long as a failover, and close() must not wait for it.
        RedisServerAddress master = awaitFailover(old.port());
        RedisServerOptions node = nodeOptions.get(index).withPort(old.port());
        if (master.port() == old.port()) {
            log.warn("Sentinels still name node {} on port {} as the master after {} s; restarting it as the master",
                    index + 1, old.port(), failoverWait().toSeconds());
        } else {
            log.info("Restarting node {} on port {} as a replica of {}", index + 1, old.port(), master);
            node = asReplica(node, master.port());
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
        RedisServerAddress master = null;
        while (System.nanoTime() - deadline < 0 && !isClosed()) {
            try {
                master = currentMaster();
                if (master.port() != deadPort) {
                    recordMaster();
                    return master;
                }
            } catch (EmbeddedServerException noSentinelAnswers) {
                // a Sentinel may be restarting too: ask again
            }
            Procs.pause(FAILOVER_POLL_MS);
        }
        return master != null ? master : currentMaster();
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
            old = sentinels.get(Objects.checkIndex(index, sentinels.size()));
            if (old.isRunning()) {
                throw new IllegalStateException("sentinel " + (index + 1) + " (pid " + old.pid() + ") is still running");
            }
        }
        old.close();
        RedisServerAddress master = masterForSentinel();
        EmbeddedSentinel restarted;
        synchronized (this) {
            requireOpen();
            sentinelOptions.set(index, sentinelOptions.get(index).withMaster(master.host(), master.port())
                    .withPort(old.port()));
            restarted = EmbeddedSentinel.start(sentinelOptions.get(index));
            sentinels.set(index, restarted);
        }
        // Outside the lock, and only for what holds even mid-failover or with a node down: it knows a master.
        SettleWait.until(DISCOVERY_TIMEOUT, "sentinel " + restarted.port() + " knows a master", () -> {
            try (RespClient client = RespClient.connect(restarted.host(), restarted.port(), password)) {
                return EmbeddedSentinel.masterAddress(client, options.masterName()).isPresent() ? null : "no master";
            }
        });
        return restarted;
    }

    /** With no other sentinel answering, the running data node that says it is the master. */
    private RedisServerAddress masterForSentinel() {
        try {
            return currentMaster();
        } catch (EmbeddedServerException noSentinel) {
            for (EmbeddedRedis node : nodes) {
                try {
                    Object info = RespClient.call(node.host(), node.port(), password, "INFO", "replication");
                    if ("master".equals(RespClient.fields(info.toString()).get("role"))) {
                        return new RedisServerAddress(node.host(), node.port());
                    }
                } catch (IOException e) {
                    // not running or not answering: not the master we are looking for
                }
            }
            throw noSentinel;
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

    /** Index of the node recorded as master at the last stop; 0 (node 1) when there is no usable record. */
    private int lastMaster() {
        Path file = options.baseDir().resolve(MASTER_FILE);
        try {
            int index = Integer.parseInt(Files.readString(file).strip()) - 1;
            return index >= 0 && index < nodeOptions.size() ? index : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private synchronized void recordMaster() {
        try {
            RedisServerAddress master = currentMaster();
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).port() == master.port()) {
                    Files.writeString(options.baseDir().resolve(MASTER_FILE), (i + 1) + "\n");
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
        RuntimeException failure = null;
        List<AutoCloseable> servers = new ArrayList<>(sentinels.reversed());
        servers.addAll(nodes.reversed());
        for (AutoCloseable server : servers) {
            try {
                server.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r
                        : new EmbeddedServerException("cannot stop " + server, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedRedisGroup[" + options.masterName() + ", nodes " + nodes + ", sentinels " + sentinels + "]";
    }
}
