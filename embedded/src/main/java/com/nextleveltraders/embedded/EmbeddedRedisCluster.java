package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis Cluster: masters owning the 16384 hash slots, each with its replicas, all on 127.0.0.1 with one shared
 * password ({@link #passwordFile()}) and data in each node's append-only file.
 *
 * <p>Cluster nodes remember each other by address in their {@code nodes.conf}, so the ports chosen when the cluster
 * is created are saved in {@code baseDir/ports} and used again by later runs, which then pick up the cluster as it was
 * (including which nodes are masters after a failover). When that is impossible (a port taken by something else, a
 * node's nodes.conf gone, another shape asked for), the cluster is created afresh and its data is dropped.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {

    static final int SLOTS = 16384;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisCluster.class);
    private static final int PORT_ATTEMPTS = 3;

    private final RedisClusterOptions options;
    private final Path baseDir;
    private final Path passwordFile;
    private final String password;
    private final ClusterFiles files;
    private final List<RedisServerOptions> nodeOptions = new ArrayList<>();
    private final List<EmbeddedRedis> nodes = new ArrayList<>();
    /** Commands to {@link #nodes}, for use under this cluster's lock. */
    private final ClusterCalls calls;
    private boolean closed;

    private EmbeddedRedisCluster(RedisClusterOptions options, Path baseDir, Path passwordFile, String password) {
        this.options = options;
        this.baseDir = baseDir;
        this.passwordFile = passwordFile;
        this.password = password;
        this.files = new ClusterFiles(options, baseDir, passwordFile);
        this.calls = new ClusterCalls(nodes, password);
    }

    /**
     * Starts every node and returns once every node reports {@code cluster_state:ok} with all slots served, knows every
     * other node, and every replica is in sync with its master. A new cluster is bootstrapped first: slots assigned,
     * nodes introduced to each other, replicas attached.
     */
    public static EmbeddedRedisCluster start(RedisClusterOptions options) {
        Objects.requireNonNull(options, "options");
        ServerSet.Layout layout = ServerSet.prepare(options.baseDir(), options.logDir(), options.watchPid());
        EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(options, layout.baseDir(), layout.passwordFile(),
                layout.password());
        return ServerSet.startOrClose(cluster, cluster::startNodes);
    }

    private synchronized void startNodes() {
        for (int i = 1; i <= options.nodeCount(); i++) {
            // A node left running by a crashed launcher holds its port and files: stop it before judging the state.
            Path dir = files.nodeDir(i);
            if (Files.isDirectory(dir)) {
                RedisServers.stopStale(dir);
            }
        }
        SavedClusterPorts saved = SavedClusterPorts.read(files.portsFile());
        String unusable = files.unusableReason(saved);
        if (unusable == null) {
            log.info("Starting the Redis cluster in {} on its saved ports {}", baseDir, saved.ports());
            for (int i = 0; i < saved.ports().size(); i++) {
                startNode(i, saved.ports().get(i));
            }
            try {
                ClusterHealth.await(calls, options);
            } catch (EmbeddedServerException e) {
                throw new EmbeddedServerException("the Redis cluster saved in " + baseDir + " did not come back ("
                        + e.getMessage() + "); see the logs in " + options.logDir() + ", or delete " + baseDir
                        + " to start afresh", e);
            }
        } else {
            if (files.hasState()) {
                log.warn("The Redis cluster in {} cannot be resumed ({}): creating it afresh; its cached data and"
                        + " sessions are dropped", baseDir, unusable);
            } else {
                log.info("Creating a Redis cluster in {}: {} masters with {} replica(s) each", baseDir,
                        options.masters(), options.replicasPerMaster());
            }
            files.reset();
            for (int i = 0; i < options.nodeCount(); i++) {
                startNewNode(i);
            }
            try {
                ClusterBootstrap.create(calls, options);
            } catch (IOException e) {
                throw new EmbeddedServerException("bootstrapping the Redis cluster in " + baseDir + " failed: "
                        + e.getMessage(), e);
            }
            new SavedClusterPorts(options.masters(), options.replicasPerMaster(),
                    nodes.stream().map(EmbeddedRedis::port).toList()).write(files.portsFile());
        }
        log.info("Redis cluster in {} ready on ports {}", baseDir, nodes.stream().map(EmbeddedRedis::port).toList());
    }

    private void startNode(int index, int port) {
        RedisServerOptions node = files.nodeOptions(index, port);
        EmbeddedRedis started = EmbeddedRedis.start(node);
        nodeOptions.add(node);
        nodes.add(started);
    }

    /** A new node on new ports, with another pair when something took the first between our check and its bind. */
    private void startNewNode(int index) {
        for (int attempt = 1; ; attempt++) {
            try {
                startNode(index, FreePorts.pickWithOffset(ClusterFiles.BUS_PORT_OFFSET));
                return;
            } catch (EmbeddedServerException e) {
                if (attempt == PORT_ATTEMPTS || !e.getMessage().contains("already in use")) {
                    throw e;
                }
                log.info("A port for Redis cluster node {} was taken before it could bind it; trying another",
                        index + 1);
            }
        }
    }

    /** The nodes in order ({@code node-1} first); a restarted node replaces the one it restarts. */
    public synchronized List<EmbeddedRedis> nodes() {
        return List.copyOf(nodes);
    }

    /** The 0600 file with the password of every node. */
    public Path passwordFile() {
        return passwordFile;
    }

    /**
     * Starts node {@code index} (0-based, as in {@link #nodes()}) again on its port after it exited or was killed, and
     * returns once it answers PING. Its nodes.conf brings it back into the cluster by itself; a master that was
     * failed over meanwhile learns so from the others and becomes a replica of its successor, shortly after.
     */
    public EmbeddedRedis restartNode(int index) {
        EmbeddedRedis old;
        synchronized (this) {
            requireOpen();
            old = ServerSet.requireStopped(nodes, index, "node", EmbeddedRedis::process);
        }
        old.close(); // reaps its watchdog
        // Outside the lock: the wait can last as long as a failover, and close() must not wait for it.
        ClusterTakeover.await(index, old.port(), options, password, this::nodes, this::isClosed);
        synchronized (this) {
            requireOpen();
            EmbeddedRedis restarted = EmbeddedRedis.start(nodeOptions.get(index));
            nodes.set(index, restarted);
            return restarted;
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Redis cluster in " + baseDir + " is closed");
        }
    }

    /** Stops the replicas first, then the masters, so that no replica takes over a master being stopped. */
    @Override
    public synchronized void close() {
        closed = true;
        Map<EmbeddedRedis, Boolean> isMaster = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            boolean master;
            try {
                master = "master".equals(calls.replication(i).get("role"));
            } catch (IOException e) {
                master = false; // down already
            }
            isMaster.put(nodes.get(i), master);
        }
        List<EmbeddedRedis> order = new ArrayList<>(nodes.stream().filter(node -> !isMaster.get(node)).toList());
        order.addAll(nodes.stream().filter(isMaster::get).toList());
        ServerSet.closeAll(order);
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedRedisCluster[" + baseDir + ", nodes " + nodes + "]";
    }
}
