package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private static final long TAKEOVER_POLL_MS = 200;
    /** Redis 6.2 always puts a node's cluster bus on its port + 10000. */
    private static final int BUS_PORT_OFFSET = 10000;
    private static final int PORT_ATTEMPTS = 3;
    /** What a node keeps of the cluster and its data; a reset deletes these. */
    private static final List<String> STATE_FILES = List.of("nodes.conf", "appendonly.aof", "appendonlydir",
            "dump.rdb");

    private final RedisClusterOptions options;
    private final Path baseDir;
    private final Path passwordFile;
    private final String password;
    private final List<RedisServerOptions> nodeOptions = new ArrayList<>();
    private final List<EmbeddedRedis> nodes = new ArrayList<>();
    private boolean closed;

    private EmbeddedRedisCluster(RedisClusterOptions options, Path baseDir, Path passwordFile, String password) {
        this.options = options;
        this.baseDir = baseDir;
        this.passwordFile = passwordFile;
        this.password = password;
    }

    /**
     * Starts every node and returns once every node reports {@code cluster_state:ok} with all slots served, knows every
     * other node, and every replica is in sync with its master. A new cluster is bootstrapped first: slots assigned,
     * nodes introduced to each other, replicas attached.
     */
    public static EmbeddedRedisCluster start(RedisClusterOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = ServerDirectory.create(options.baseDir());
        ServerDirectory.create(options.logDir());
        Path passwordFile = baseDir.resolve("password");
        String password = Passwords.loadOrCreate(passwordFile);
        EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(options, baseDir, passwordFile, password);
        try {
            cluster.startNodes();
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return cluster;
    }

    private synchronized void startNodes() {
        for (int i = 1; i <= options.nodeCount(); i++) {
            // A node left running by a crashed launcher holds its port and files: stop it before judging the state.
            Path dir = nodeDir(i);
            if (Files.isDirectory(dir)) {
                RedisServers.stopStale(dir);
            }
        }
        SavedPorts saved = SavedPorts.read(baseDir.resolve("ports"));
        String unusable = unusableReason(saved);
        if (unusable == null) {
            log.info("Starting the Redis cluster in {} on its saved ports {}", baseDir, saved.ports());
            for (int i = 0; i < saved.ports().size(); i++) {
                startNode(i, saved.ports().get(i));
            }
            try {
                awaitHealthy();
            } catch (EmbeddedServerException e) {
                throw new EmbeddedServerException("the Redis cluster saved in " + baseDir + " did not come back ("
                        + e.getMessage() + "); see the logs in " + options.logDir() + ", or delete " + baseDir
                        + " to start afresh", e);
            }
        } else {
            if (hasState()) {
                log.warn("The Redis cluster in {} cannot be resumed ({}): creating it afresh; its cached data and"
                        + " sessions are dropped", baseDir, unusable);
            } else {
                log.info("Creating a Redis cluster in {}: {} masters with {} replica(s) each", baseDir,
                        options.masters(), options.replicasPerMaster());
            }
            reset();
            for (int i = 0; i < options.nodeCount(); i++) {
                startNewNode(i);
            }
            try {
                bootstrap();
            } catch (IOException e) {
                throw new EmbeddedServerException("bootstrapping the Redis cluster in " + baseDir + " failed: "
                        + e.getMessage(), e);
            }
            new SavedPorts(options.masters(), options.replicasPerMaster(),
                    nodes.stream().map(EmbeddedRedis::port).toList()).write(baseDir.resolve("ports"));
        }
        log.info("Redis cluster in {} ready on ports {}", baseDir, nodes.stream().map(EmbeddedRedis::port).toList());
    }

    private Path nodeDir(int number) {
        return baseDir.resolve("node-" + number);
    }

    /** Why the saved cluster cannot be started as it is; null if it can. */
    private String unusableReason(SavedPorts saved) {
        if (saved == null) {
            return "no saved ports";
        }
        if (saved.masters() != options.masters() || saved.replicasPerMaster() != options.replicasPerMaster()) {
            return "it has " + saved.masters() + " masters with " + saved.replicasPerMaster()
                    + " replica(s) each, not " + options.masters() + " with " + options.replicasPerMaster();
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            if (!Files.exists(nodeDir(i).resolve("nodes.conf"))) {
                return nodeDir(i).resolve("nodes.conf") + " is missing";
            }
        }
        for (int port : saved.ports()) {
            if (!FreePorts.isFree(port) || !FreePorts.isFree(port + BUS_PORT_OFFSET)) {
                return "port " + port + " or its cluster bus port " + (port + BUS_PORT_OFFSET) + " is taken";
            }
        }
        return null;
    }

    private boolean hasState() {
        if (Files.exists(baseDir.resolve("ports"))) {
            return true;
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            for (String file : STATE_FILES) {
                if (Files.exists(nodeDir(i).resolve(file))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Forgets the cluster: a node that kept its nodes.conf or data would refuse to join a new one. */
    private void reset() {
        try {
            Files.deleteIfExists(baseDir.resolve("ports"));
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot delete " + baseDir.resolve("ports"), e);
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            for (String file : STATE_FILES) {
                CacheDir.deleteTree(nodeDir(i).resolve(file));
            }
        }
    }

    private RedisServerOptions nodeOptions(int index, int port) {
        Map<String, String> settings = new LinkedHashMap<>(options.settings());
        settings.put("cluster-enabled", "yes");
        settings.put("cluster-config-file", "nodes.conf");
        settings.put("cluster-node-timeout", Long.toString(options.nodeTimeout().toMillis()));
        return new RedisServerOptions(nodeDir(index + 1), options.logDir().resolve("redis-" + (index + 1) + ".log"), port,
                options.watchPid(), settings, passwordFile);
    }

    private void startNode(int index, int port) {
        RedisServerOptions node = nodeOptions(index, port);
        EmbeddedRedis started = EmbeddedRedis.start(node);
        nodeOptions.add(node);
        nodes.add(started);
    }

    /** A new node on new ports, with another pair when something took the first between our check and its bind. */
    private void startNewNode(int index) {
        for (int attempt = 1; ; attempt++) {
            try {
                startNode(index, FreePorts.pickWithOffset(BUS_PORT_OFFSET));
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

    /**
     * What redis-cli --cluster create does: slots split evenly over the first nodes (the masters), a distinct config
     * epoch per node (spares the cluster resolving collisions), every node introduced to node 1 (gossip spreads the
     * rest), and once all know each other, each replica attached to its master.
     */
    private void bootstrap() throws IOException {
        int masters = options.masters();
        for (int m = 0; m < masters; m++) {
            int first = m * SLOTS / masters;
            int last = (m + 1) * SLOTS / masters - 1;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = first; slot <= last; slot++) {
                command.add(Integer.toString(slot));
            }
            call(m, command.toArray(String[]::new));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            call(i, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            ids.add(call(i, "CLUSTER", "MYID").toString());
        }
        for (int i = 1; i < nodes.size(); i++) {
            call(0, "CLUSTER", "MEET", RedisServers.HOST, Integer.toString(nodes.get(i).port()));
        }
        SettleWait.until(convergeTimeout(), "every cluster node knows every other", () -> {
            for (int i = 0; i < nodes.size(); i++) {
                List<ClusterNode> known = clusterNodes(i);
                for (String id : ids) {
                    Optional<ClusterNode> peer = known.stream().filter(n -> n.id().equals(id)).findFirst();
                    if (peer.isEmpty() || !peer.get().healthy()) {
                        return "node " + (i + 1) + " sees " + peer.map(ClusterNode::toString).orElse("no " + id);
                    }
                }
            }
            return null;
        });
        for (int m = 0; m < masters; m++) {
            for (int r = 0; r < options.replicasPerMaster(); r++) {
                call(masters + m * options.replicasPerMaster() + r, "CLUSTER", "REPLICATE", ids.get(m));
            }
        }
        awaitHealthy();
    }

    private Duration convergeTimeout() {
        return Duration.ofSeconds(60).plus(options.nodeTimeout().multipliedBy(2));
    }

    /**
     * Every node: cluster state ok with all slots served, all nodes known, connected and none suspected down, as many
     * replicas as the shape asks for, and when it is a replica, its link to its master up.
     */
    private void awaitHealthy() {
        int count = nodes.size();
        int replicas = count - options.masters();
        SettleWait.until(convergeTimeout(), "every cluster node reports cluster_state:ok with " + count
                + " healthy nodes, " + replicas + " of them replicas in sync", () -> {
            for (int i = 0; i < count; i++) {
                Map<String, String> info = RespClient.fields(call(i, "CLUSTER", "INFO").toString());
                if (!"ok".equals(info.get("cluster_state")) || !Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))
                        || !Integer.toString(count).equals(info.get("cluster_known_nodes"))) {
                    return "node " + (i + 1) + ": " + info;
                }
                List<ClusterNode> known = clusterNodes(i);
                long replicasSeen = known.stream().filter(ClusterNode::isReplica).count();
                if (known.stream().anyMatch(n -> !n.healthy()) || replicasSeen != replicas) {
                    return "node " + (i + 1) + " sees " + known;
                }
                Map<String, String> replication = RespClient.fields(call(i, "INFO", "replication").toString());
                if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
                    return "node " + (i + 1) + ": replication " + replication;
                }
            }
            return null;
        });
    }

    /** One line of CLUSTER NODES. */
    record ClusterNode(String id, String address, String flags, String linkState) {

        static ClusterNode parse(String line) {
            String[] fields = line.split(" ");
            return new ClusterNode(fields[0], fields[1], fields[2], fields[7]);
        }

        boolean isReplica() {
            return List.of(flags.split(",")).contains("slave");
        }

        /** Known by address, talking, and not suspected down. */
        boolean healthy() {
            List<String> flagList = List.of(flags.split(","));
            return !flagList.contains("fail") && !flagList.contains("fail?") && !flagList.contains("handshake")
                    && !flagList.contains("noaddr") && (flagList.contains("myself") || linkState.equals("connected"));
        }
    }

    private List<ClusterNode> clusterNodes(int index) throws IOException {
        List<ClusterNode> known = new ArrayList<>();
        for (String line : call(index, "CLUSTER", "NODES").toString().split("\n")) {
            if (!line.isBlank()) {
                known.add(ClusterNode.parse(line.strip()));
            }
        }
        return known;
    }

    private Object call(int index, String... command) throws IOException {
        EmbeddedRedis node = nodes.get(index);
        return RespClient.call(node.host(), node.port(), password, command);
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
            if (closed) {
                throw new IllegalStateException("the Redis cluster in " + baseDir + " is closed");
            }
            old = nodes.get(Objects.checkIndex(index, nodes.size()));
            if (old.isRunning()) {
                throw new IllegalStateException("node " + (index + 1) + " (pid " + old.pid() + ") is still running");
            }
        }
        old.close(); // reaps its watchdog
        // Outside the lock: the wait can last as long as a failover, and close() must not wait for it.
        awaitTakeover(index, old.port());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the Redis cluster in " + baseDir + " is closed");
            }
            EmbeddedRedis restarted = EmbeddedRedis.start(nodeOptions.get(index));
            nodes.set(index, restarted);
            return restarted;
        }
    }

    /**
     * A master that died is started again only once the cluster has handed its slots to its replica
     * (or after a bounded wait, when none takes over), so that it rejoins as a replica instead of
     * reclaiming its slots with a copy that may be older.
     */
    private void awaitTakeover(int index, int deadPort) {
        String prefix = RedisServers.HOST + ":" + deadPort + "@";
        Duration wait = options.nodeTimeout().multipliedBy(2).plusSeconds(10);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() - deadline < 0) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            List<EmbeddedRedis> current = nodes();
            for (int other = 0; other < current.size(); other++) {
                if (other == index) {
                    continue;
                }
                try {
                    EmbeddedRedis node = current.get(other);
                    String view = RespClient.call(node.host(), node.port(), password, "CLUSTER", "NODES").toString();
                    for (String line : view.split("\n")) {
                        String[] fields = line.strip().split(" ");
                        // id address flags master ping pong epoch link [slots...]: a replica, or a master left without slots
                        if (fields.length >= 8 && fields[1].startsWith(prefix)
                                && (fields[2].contains("slave") || fields.length == 8)) {
                            return;
                        }
                    }
                    break; // one live node's view is enough for this round
                } catch (IOException e) {
                    // that node is down too: ask the next one
                }
            }
            Procs.pause(TAKEOVER_POLL_MS);
        }
        log.warn("No replica took over the slots of node {} on port {} within {} s; restarting it as it was",
                index + 1, deadPort, wait.toSeconds());
    }

    /** Stops the replicas first, then the masters, so that no replica takes over a master being stopped. */
    @Override
    public synchronized void close() {
        closed = true;
        Map<EmbeddedRedis, Boolean> isMaster = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            boolean master;
            try {
                master = "master".equals(RespClient.fields(call(i, "INFO", "replication").toString()).get("role"));
            } catch (IOException e) {
                master = false; // down already
            }
            isMaster.put(nodes.get(i), master);
        }
        List<EmbeddedRedis> order = new ArrayList<>(nodes.stream().filter(node -> !isMaster.get(node)).toList());
        order.addAll(nodes.stream().filter(isMaster::get).toList());
        RuntimeException failure = null;
        for (EmbeddedRedis node : order) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedRedisCluster[" + baseDir + ", nodes " + nodes + "]";
    }

    /** {@code baseDir/ports}: the shape and ports the cluster was created with, which its nodes.conf files refer to. */
    record SavedPorts(int masters, int replicasPerMaster, List<Integer> ports) {

        /** The saved ports, or null when there are none or the file is unreadable. */
        static SavedPorts read(Path file) {
            if (!Files.exists(file)) {
                return null;
            }
            try {
                Map<String, String> values = new LinkedHashMap<>();
                for (String line : Files.readAllLines(file)) {
                    String[] words = line.strip().split("\\s+");
                    if (words.length == 2 && !line.startsWith("#")) {
                        values.put(words[0], words[1]);
                    }
                }
                int masters = Integer.parseInt(values.get("masters"));
                int replicas = Integer.parseInt(values.get("replicas-per-master"));
                List<Integer> ports = new ArrayList<>();
                for (int i = 1; i <= masters * (1 + replicas); i++) {
                    ports.add(Integer.parseInt(values.get("node-" + i)));
                }
                return new SavedPorts(masters, replicas, List.copyOf(ports));
            } catch (IOException | RuntimeException e) {
                log.warn("Ignoring unreadable {}: {}", file, e.toString());
                return null;
            }
        }

        void write(Path file) {
            StringBuilder text = new StringBuilder("# Written by nlt-embedded when this cluster was created: its"
                    + " nodes.conf files refer to these ports.\n");
            text.append("masters ").append(masters).append('\n');
            text.append("replicas-per-master ").append(replicasPerMaster).append('\n');
            for (int i = 0; i < ports.size(); i++) {
                text.append("node-").append(i + 1).append(' ').append(ports.get(i)).append('\n');
            }
            Passwords.writeOwnerOnly(file, text.toString());
        }
    }
}
