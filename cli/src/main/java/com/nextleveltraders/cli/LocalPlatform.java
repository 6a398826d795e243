package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nextleveltraders.api.ApiMain;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.ConnectionBudget;
import com.nextleveltraders.data.BucketMover;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.Rebalancer;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisCluster;
import com.nextleveltraders.embedded.EmbeddedRedisGroup;
import com.nextleveltraders.embedded.EmbeddedSentinel;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import com.nextleveltraders.embedded.RedisClusterOptions;
import com.nextleveltraders.embedded.RedisGroupOptions;
import com.nextleveltraders.embedded.RedisOptions;
import com.nextleveltraders.embedded.Sessions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Everything `nlt up` runs on this machine, as real processes: PostgreSQL, Redis and one API
 * instance JVM. Each child watches this process and exits when it dies, so a killed launcher
 * leaves nothing running; each logs to a file under {@code dataDir/logs}.
 */
final class LocalPlatform implements AutoCloseable {

    static final String INSTANCE_ID = "api-1";
    // A cold first start (initdb, JIT) takes seconds; far longer means something is wrong.
    private static final Duration HEALTH_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    // The API instance's heap: its working set is small; the rest of the machine is for PostgreSQL.
    private static final String API_HEAP = "-Xmx512m";
    private static final int RESERVED_CONNECTIONS = 20;

    private final Path dataDir;
    private final List<AutoCloseable> started = new ArrayList<>(); // guarded by this
    private final List<Child> children = new ArrayList<>();        // guarded by this
    private Process api;
    private boolean closed; // guarded by this
    private URI url;
    // What a shard added while the platform runs needs: set by start.
    private EmbeddedPostgres catalog;
    private Map<String, String> pgSettings;
    private PlatformConfig effective;

    /**
     * A started process and what it is, for the launcher to watch.
     *
     * @param restart starts it again and returns the new process, or {@code null} when losing it is fatal
     */
    record Child(String name, ProcessHandle handle, Path log, Restart restart) {

        Child withHandle(ProcessHandle next) {
            return new Child(name, next, log, restart);
        }
    }

    /** Starts a child again after it died. */
    interface Restart {
        ProcessHandle run();
    }

    LocalPlatform(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    Path logDir() {
        return dataDir.resolve("logs");
    }

    URI url() {
        return url;
    }

    /** Starts every process and waits until the API answers its health check. */
    void start(PlatformConfig config, Optional<Path> userConfig, int port) throws IOException, InterruptedException {
        Files.createDirectories(logDir());
        Path runDir = Files.createDirectories(dataDir.resolve("run"));
        long self = ProcessHandle.current().pid();

        int connections = maxConnections(config);
        Map<String, String> pgSettings = Map.of("max_connections", Integer.toString(connections));
        System.out.println("starting PostgreSQL: the catalog...");
        EmbeddedPostgres postgres = EmbeddedPostgres.start(new PostgresOptions(dataDir.resolve("postgres"),
                logDir().resolve("postgres.log"), 0, config.platform().postgres().database(),
                config.platform().postgres().user(), self, pgSettings));
        track(postgres, new Child("PostgreSQL (catalog)", handle(postgres.pid()), logDir().resolve("postgres.log"),
                null));
        catalog = postgres;
        this.pgSettings = pgSettings;
        List<RegisteredShard> shards = startShards(config);
        Map<String, Object> redis = startRedis(config, self);

        Path instanceFile = runDir.resolve(INSTANCE_ID + ".yaml");
        writeInstanceConfig(instanceFile, postgres, redis, port);
        List<Path> files = new ArrayList<>();
        userConfig.ifPresent(files::add);
        files.add(instanceFile);
        effective = ConfigLoader.load(files);

        System.out.println("applying migrations...");
        try (Database database = Database.open(effective)) {
            int applied = Migrations.apply(database, shards); // registers where each shard listens this time
            System.out.println("  " + applied + " migration(s) applied");
            checkConnectionBudget(database, effective);
            resumeMoves(database);
        }

        stopStaleInstance(runDir.resolve(INSTANCE_ID + ".pid"));
        System.out.println("starting API instance " + INSTANCE_ID + "...");
        Path apiLog = logDir().resolve(INSTANCE_ID + ".log");
        api = startApi(files, apiLog);
        Process apiProcess = api;
        track(() -> stop(apiProcess), new Child("the API instance " + INSTANCE_ID, api.toHandle(), apiLog, null));
        Files.writeString(runDir.resolve(INSTANCE_ID + ".pid"), Long.toString(api.pid()));
        url = URI.create("http://" + effective.platform().api().host() + ":" + port);
        awaitHealthy(url.resolve("/api/health"));
    }

    /**
     * Fails the start when a server could not take a full pool from every instance the autoscaler may
     * run: better now, with the numbers, than as refused connections under load.
     */
    private static void checkConnectionBudget(Database database, PlatformConfig config) throws IOException {
        int instances = config.scaling().maxInstances();
        List<String> problems = ConnectionBudget.check(database, instances);
        if (!problems.isEmpty()) {
            throw new IOException("the PostgreSQL servers have no room for " + instances + " instance(s) with "
                    + config.database().pool().max() + " connections each:\n  " + String.join("\n  ", problems));
        }
        System.out.println("  connections: every server has room for " + instances + " instances (scaling.maxInstances)"
                + " x " + config.database().pool().max() + " (database.pool.max)");
    }

    /**
     * A bucket move interrupted by a crash (of `nlt shards rebalance`, or of the platform) is
     * finished or rolled back now: until then its bucket may have no owner and refuse writes.
     */
    private static void resumeMoves(Database database) {
        try (BucketMover mover = BucketMover.open(database)) {
            List<BucketMover.Result> resumed = mover.resume();
            if (!resumed.isEmpty()) {
                System.out.println("  " + resumed.size() + " interrupted bucket move(s) finished or rolled back");
            }
        } catch (BucketMover.MoveInProgressException running) {
            System.out.println("  a bucket move is running elsewhere; it will finish it");
        }
    }

    /**
     * Room for every instance the autoscaler may run ({@code scaling.maxInstances}), each with a
     * full pool ({@code database.pool.max}) to every server, plus a few for the launcher and tools.
     */
    private static int maxConnections(PlatformConfig config) {
        return config.scaling().maxInstances() * config.database().pool().max() + RESERVED_CONNECTIONS;
    }

    /**
     * Starts each shard's primary and streaming replica: {@code database.sharding.shards} on a new
     * data dir, and every shard an earlier run created or `nlt shards add` added (a shard is never
     * dropped by a smaller number here). All servers share the catalog's password, so one set of
     * credentials reaches them all.
     */
    private List<RegisteredShard> startShards(PlatformConfig config) throws IOException {
        TreeSet<Integer> ids = new TreeSet<>(existingShardDirs());
        for (int id = 1; id <= config.database().sharding().shards(); id++) {
            ids.add(id);
        }
        List<RegisteredShard> shards = new ArrayList<>();
        for (int id : ids) {
            shards.add(startShard(id).shard());
        }
        return shards;
    }

    /** The ids of the {@code shard-N} dirs in the data dir. */
    private Set<Integer> existingShardDirs() throws IOException {
        Set<Integer> ids = new TreeSet<>();
        try (var entries = Files.list(dataDir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry) && name.matches("shard-[1-9][0-9]{0,8}")) {
                    ids.add(Integer.parseInt(name.substring("shard-".length())));
                }
            }
        }
        return ids;
    }

    /** A shard started, and its two processes for the launcher to watch. */
    record StartedShard(RegisteredShard shard, List<Child> children) {
    }

    private StartedShard startShard(int id) throws IOException {
        long self = ProcessHandle.current().pid();
        Path shardDir = Files.createDirectories(dataDir.resolve("shard-" + id));
        Path primaryDir = Files.createDirectories(shardDir.resolve("primary"));
        Path password = primaryDir.resolve("password");
        if (!Files.exists(password)) {
            Files.copy(catalog.passwordFile(), password);
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        }
        System.out.println("starting PostgreSQL: shard " + id + ", primary and streaming replica...");
        Path primaryLog = logDir().resolve("shard-" + id + "-primary.log");
        EmbeddedPostgres primary = EmbeddedPostgres.start(new PostgresOptions(primaryDir, primaryLog, 0,
                catalog.database(), catalog.user(), self, pgSettings));
        Child primaryChild = new Child("PostgreSQL (shard " + id + " primary)", handle(primary.pid()), primaryLog, null);
        track(primary, primaryChild);
        Path replicaLog = logDir().resolve("shard-" + id + "-replica.log");
        EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(ReplicaOptions.of(
                shardDir.resolve("replica"), primary).withLogFile(replicaLog).withWatchPid(self));
        Child replicaChild = new Child("PostgreSQL (shard " + id + " replica)", handle(replica.pid()), replicaLog, null);
        track(replica, replicaChild);
        return new StartedShard(new RegisteredShard(id, primary.host(), primary.port(), replica.host(), replica.port(),
                primary.database(), ShardState.ACTIVE), List.of(primaryChild, replicaChild));
    }

    /**
     * Starts a new shard while the platform runs: the next id after every registered shard and
     * every {@code shard-N} dir, a primary and a streaming replica as at start (tracked, so stopped
     * with the rest), migrated and registered ACTIVE, owning no bucket yet. A later start finds its
     * dir and starts it again.
     */
    StartedShard addShard() throws IOException {
        try (Database database = Database.open(effective)) {
            int registered = ShardRegistry.list(database.catalog()).stream().mapToInt(RegisteredShard::id).max()
                    .orElse(0);
            int dirs = existingShardDirs().stream().mapToInt(Integer::intValue).max().orElse(0);
            StartedShard started = startShard(Math.max(registered, dirs) + 1);
            Rebalancer.addShard(database, started.shard());
            return started;
        }
    }

    /**
     * Starts the Redis tier in the configured shape and returns what the instances need to reach
     * it: the {@code redis} section (nodes, Sentinels) and the password file. A node or Sentinel
     * that dies is started again and rejoins (a master comes back as a replica of whoever the
     * Sentinels promoted meanwhile); only the standalone node is fatal to lose.
     */
    private Map<String, Object> startRedis(PlatformConfig config, long self) {
        var redis = config.redis();
        Map<String, String> settings = Map.of("appendfsync", redis.persistence().appendfsync().name().toLowerCase(
                Locale.ROOT));
        Map<String, Object> section = new LinkedHashMap<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        Path passwordFile;
        switch (redis.mode()) {
            case STANDALONE -> {
                System.out.println("starting Redis...");
                EmbeddedRedis node = EmbeddedRedis.start(new RedisOptions(dataDir.resolve("redis"),
                        logDir().resolve("redis.log"), 0, self, settings));
                track(node, new Child("Redis", handle(node.pid()), node.logFile(), null));
                nodes.add(node(node.host(), node.port(), "master"));
                passwordFile = node.passwordFile();
            }
            case SENTINEL -> {
                System.out.println("starting Redis: a master, " + (redis.nodes().size() - 1) + " replicas and "
                        + redis.sentinel().nodes().size() + " Sentinels...");
                var sentinel = redis.sentinel();
                EmbeddedRedisGroup group = EmbeddedRedisGroup.start(new RedisGroupOptions(
                        dataDir.resolve("redis-sentinel"), logDir(), redis.nodes().size() - 1, sentinel.nodes().size(),
                        sentinel.masterName(), sentinel.quorum(), sentinel.downAfter(), sentinel.failoverTimeout(),
                        self, settings));
                synchronized (this) {
                    started.add(group);
                }
                for (int i = 0; i < group.nodes().size(); i++) {
                    EmbeddedRedis node = group.nodes().get(i);
                    int index = i;
                    watch(new Child("Redis node " + (i + 1), handle(node.pid()), node.logFile(), () -> {
                        group.restartNode(index);
                        return handle(group.nodes().get(index).pid());
                    }));
                    nodes.add(node(node.host(), node.port(), i == 0 ? "master" : "replica"));
                }
                List<Map<String, Object>> sentinels = new ArrayList<>();
                for (int i = 0; i < group.sentinels().size(); i++) {
                    EmbeddedSentinel node = group.sentinels().get(i);
                    int index = i;
                    watch(new Child("Redis Sentinel " + (i + 1), handle(node.pid()), node.logFile(), () -> {
                        group.restartSentinel(index);
                        return handle(group.sentinels().get(index).pid());
                    }));
                    Map<String, Object> address = new LinkedHashMap<>();
                    address.put("host", node.host());
                    address.put("port", node.port());
                    sentinels.add(address);
                }
                section.put("sentinel", Map.of("nodes", sentinels));
                passwordFile = group.passwordFile();
            }
            case CLUSTER -> {
                var shape = redis.cluster();
                System.out.println("starting a Redis Cluster: " + shape.masters() + " masters with "
                        + shape.replicasPerMaster() + " replica(s) each...");
                EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(new RedisClusterOptions(
                        dataDir.resolve("redis-cluster"), logDir(), shape.masters(), shape.replicasPerMaster(),
                        shape.nodeTimeout(), self, settings));
                synchronized (this) {
                    started.add(cluster);
                }
                for (int i = 0; i < cluster.nodes().size(); i++) {
                    EmbeddedRedis node = cluster.nodes().get(i);
                    int index = i;
                    watch(new Child("Redis Cluster node " + (i + 1), handle(node.pid()), node.logFile(), () -> {
                        cluster.restartNode(index);
                        return handle(cluster.nodes().get(index).pid());
                    }));
                    // Seeds only: clients learn each node's current role from the cluster itself.
                    nodes.add(node(node.host(), node.port(), i < shape.masters() ? "master" : "replica"));
                }
                passwordFile = cluster.passwordFile();
            }
            default -> throw new IllegalStateException("unknown Redis mode " + redis.mode());
        }
        section.put("nodes", nodes);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("redis", section);
        result.put("passwordFile", passwordFile.toString());
        return result;
    }

    private static Map<String, Object> node(String host, int port, String role) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("host", host);
        node.put("port", port);
        node.put("role", role);
        return node;
    }

    private void writeInstanceConfig(Path file, EmbeddedPostgres postgres, Map<String, Object> redis, int port)
            throws IOException {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("host", postgres.host());
        pg.put("port", postgres.port());
        pg.put("database", postgres.database());
        pg.put("user", postgres.user());
        pg.put("passwordFile", postgres.passwordFile().toString());
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("port", port);
        api.put("instanceId", INSTANCE_ID);
        Map<String, Object> platform = new LinkedHashMap<>();
        platform.put("api", api);
        platform.put("postgres", pg);
        platform.put("redis", Map.of("passwordFile", redis.get("passwordFile")));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("redis", redis.get("redis"));
        root.put("platform", platform);
        String yaml = "# Written by `nlt up` at every start: where this instance's servers are.\n"
                + new ObjectMapper(new YAMLFactory()).writeValueAsString(root);
        Files.writeString(file, yaml);
    }

    private Process startApi(List<Path> configFiles, Path log) throws IOException {
        List<String> command = new ArrayList<>(Sessions.detached());
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add(API_HEAP);
        command.add("-Dnlt.dataDir=" + dataDir); // names the data dir, so that leftovers can be told apart
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ApiMain.class.getName());
        for (Path file : configFiles) {
            command.add("--config");
            command.add(file.toAbsolutePath().toString());
        }
        command.add("--parent-pid");
        command.add(Long.toString(ProcessHandle.current().pid()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** An instance of an earlier, killed launcher may still be exiting: wait for it, then end it. */
    private void stopStaleInstance(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile).strip();
        Files.delete(pidFile);
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(handle -> handle.info().arguments()
                .map(args -> String.join(" ", args).contains("-Dnlt.dataDir=" + dataDir)).orElse(false));
        if (stale.isPresent()) {
            System.out.println("stopping a leftover API instance (pid " + pid + ")");
            stale.get().destroy();
            try {
                stale.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                stale.get().destroyForcibly();
            }
        }
    }

    private void awaitHealthy(URI health) throws InterruptedException, IOException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            awaitHealthy(client, health);
        }
    }

    private void awaitHealthy(HttpClient client, URI health) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(HEALTH_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!api.isAlive()) {
                throw new IOException("the API instance exited with code " + api.exitValue() + "; see "
                        + logDir().resolve(INSTANCE_ID + ".log"));
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(health)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the API instance was not healthy within " + HEALTH_WAIT.toSeconds() + " s; see "
                + logDir().resolve(INSTANCE_ID + ".log"));
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: the instance drains and closes its pools
        if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private synchronized void track(AutoCloseable stopper, Child child) {
        if (closed) { // a shard added while the platform stops
            try {
                stopper.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
            throw new IllegalStateException("the platform is stopping");
        }
        started.add(stopper);
        children.add(child);
    }

    /** A child stopped by something already tracked (its group), watched on its own. */
    private synchronized void watch(Child child) {
        children.add(child);
    }

    /** Every process started so far, for the launcher to watch. */
    synchronized List<Child> children() {
        return List.copyOf(children);
    }

    private static ProcessHandle handle(long pid) {
        return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
    }

    /** Stops everything in reverse order of starting. */
    @Override
    public synchronized void close() {
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
        }
        started.clear();
    }
}
