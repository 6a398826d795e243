package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.RegionSpread;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.rebalance.BucketMover;
import com.nextleveltraders.data.ConnectionBudget;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisCluster;
import com.nextleveltraders.embedded.EmbeddedRedisGroup;
import com.nextleveltraders.embedded.EmbeddedSentinel;
import com.nextleveltraders.embedded.Passwords;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisClusterOptions;
import com.nextleveltraders.embedded.RedisGroupOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import com.nextleveltraders.embedded.SetsidPrefix;
import com.nextleveltraders.gateway.GatewayMain;
import com.nextleveltraders.gateway.SelfSignedCertificate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
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
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Everything `nlt up` runs on this machine, as real processes: PostgreSQL, Redis, the gateway and
 * the API instance JVMs (scaling.minInstances at start, spread over the regions). Each child watches this process and exits when it dies, so a killed launcher
 * leaves nothing running; each logs to a file under {@code dataDir/logs}.
 */
final class LocalPlatform implements AutoCloseable {

    /** Where the servers `nlt up` started are, for the instances and for commands against a running platform. */
    static final String SERVERS_FILE = "servers.yaml";
    // A cold first start (initdb, JIT) takes seconds; far longer means something is wrong.
    private static final Duration HEALTH_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 5;
    private static final Duration START_RETRY_PAUSE = Duration.ofSeconds(2);
    // The gateway's heap: it holds requests in flight and little else.
    private static final String GATEWAY_HEAP = "-Xmx256m";
    private static final int RESERVED_CONNECTIONS = 20;

    private final Path dataDir;
    private final List<AutoCloseable> started = new ArrayList<>(); // guarded by this
    private final List<Child> children = new ArrayList<>();        // guarded by this
    private GatewayAdmin admin;
    private LocalInstances instances;
    private URI loopbackUrl;
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

    /** Plain HTTP on the same port, for loopback clients. */
    URI loopbackUrl() {
        return loopbackUrl;
    }

    LocalInstances instances() {
        return instances;
    }

    GatewayAdmin gatewayAdmin() {
        return admin;
    }

    PlatformConfig effectiveConfig() {
        return effective;
    }

    /** Starts every process and waits until the gateway has every first instance UP. */
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
        refuseShardIdsTakenElsewhere(postgres, config);
        List<RegisteredShard> shards = startShards(config);
        Map<String, Object> redis = startRedis(config, self);

        Path serversFile = runDir.resolve(SERVERS_FILE);
        writeServersConfig(serversFile, postgres, redis);
        List<Path> files = new ArrayList<>();
        userConfig.ifPresent(files::add);
        files.add(serversFile);
        effective = ConfigLoader.load(files);

        System.out.println("applying migrations...");
        // Servers that just started may be slow to take their first connections on a busy machine:
        // a refused first try is not a failed start.
        for (int attempt = 1; ; attempt++) {
            try (Database database = Database.open(effective)) {
                int applied = Migrations.apply(database, shards); // registers where each shard listens this time
                System.out.println("  " + applied + " migration(s) applied");
                checkConnectionBudget(database, effective);
                resumeMoves(database);
                break;
            } catch (DatabaseUnavailableException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                System.out.println("  the servers are not taking connections yet (" + e.getMessage() + "); trying again");
                Thread.sleep(START_RETRY_PAUSE.toMillis());
            }
        }

        stopStaleProcesses(runDir);
        Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
        Path gatewaySecret = secretFile(secrets.resolve("gateway-secret"));
        Path adminToken = secretFile(secrets.resolve("gateway-admin-token"));
        Path gatewayFile = runDir.resolve("gateway.yaml");
        writeGatewayConfig(gatewayFile, port, gatewaySecret, adminToken);
        List<Path> gatewayFiles = new ArrayList<>(files);
        gatewayFiles.add(gatewayFile);
        PlatformConfig gatewayConfig = ConfigLoader.load(gatewayFiles);
        System.out.println("starting the gateway on " + gatewayConfig.platform().gateway().host() + ":" + port + "...");
        int adminPort = startGateway(gatewayFiles);
        admin = new GatewayAdmin(adminPort, Secrets.read(adminToken), gatewayConfig.platform().gateway().drainTimeout());
        instances = new LocalInstances(dataDir, files, gatewaySecret, admin, Clock.systemUTC());
        stopAtClose(instances); // each instance is watched by LocalInstances itself

        int minimum = effective.scaling().minInstances();
        System.out.println("starting " + minimum + " API instances across " + effective.scaling().regions() + "...");
        RegionSpread spread = new RegionSpread(effective.scaling().regions());
        List<String> regions = new ArrayList<>();
        List<Instance> planned = new ArrayList<>();
        for (int i = 0; i < minimum; i++) {
            String region = spread.whereToAdd(planned);
            regions.add(region);
            planned.add(new Instance("planned-" + i, region, Instant.EPOCH, URI.create("http://127.0.0.1/")));
        }
        launchAll(regions);
        LocalAutoscaler autoscaler = new LocalAutoscaler(effective, instances, runDir, Clock.systemUTC());
        stopAtClose(autoscaler);
        autoscaler.start();
        boolean tls = effective.loadBalancer().ssl().enabled();
        url = URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + port);
        loopbackUrl = URI.create("http://127.0.0.1:" + port);
    }

    /** A generated secret in a 0600 file, made on the first run and kept. */
    private static Path secretFile(Path file) {
        Passwords.loadOrCreate(file);
        return file;
    }

    /** Starts instances side by side: each waits for its JVM and its health checks, not for the others. */
    private void launchAll(List<String> regions) throws IOException, InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String region : regions) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    Instance started = instances.launch(region);
                    System.out.println("  " + started.id() + " (" + region + ") serving");
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IOException(failures.getFirst().getMessage(), failures.getFirst());
        }
    }

    /** Starts the gateway process and returns its admin port once both its ports serve. */
    private int startGateway(List<Path> files) throws IOException, InterruptedException {
        Path portFile = dataDir.resolve("run").resolve("gateway.ports");
        Path log = logDir().resolve("gateway.log");
        Process gateway = launchGateway(files, portFile, log);
        int adminPort = awaitGatewayPorts(gateway, portFile, log);
        Restart restart = () -> {
            try {
                Process next = launchGateway(files, portFile, log);
                awaitGatewayPorts(next, portFile, log);
                instances.registerAll();
                return next.toHandle();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
        ProcessHandle[] current = {gateway.toHandle()};
        track(() -> stopHandle(current[0]), new Child("the gateway", gateway.toHandle(), log, () -> {
            ProcessHandle next = restart.run();
            current[0] = next;
            return next;
        }));
        return adminPort;
    }

    private Process launchGateway(List<Path> files, Path portFile, Path log) throws IOException {
        Files.deleteIfExists(portFile);
        List<String> command = new ArrayList<>(SetsidPrefix.detached());
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add(GATEWAY_HEAP);
        command.add("-Dnlt.dataDir=" + dataDir);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GatewayMain.class.getName());
        for (Path file : files) {
            command.add("--config");
            command.add(file.toAbsolutePath().toString());
        }
        command.add("--parent-pid");
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add("--port-file");
        command.add(portFile.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Files.writeString(dataDir.resolve("run").resolve("gateway.pid"), Long.toString(process.pid()));
        return process;
    }

    private static int awaitGatewayPorts(Process gateway, Path portFile, Path log)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(HEALTH_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!gateway.isAlive()) {
                throw new IOException("the gateway exited with code " + gateway.exitValue() + "; see " + log);
            }
            if (Files.isRegularFile(portFile)) {
                String[] ports = Files.readString(portFile).strip().split(" ");
                return Integer.parseInt(ports[1]);
            }
            Thread.sleep(100);
        }
        throw new IOException("the gateway did not start within " + HEALTH_WAIT.toSeconds() + " s; see " + log);
    }

    private static void stopHandle(ProcessHandle handle) throws Exception {
        handle.destroy();
        try {
            handle.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            handle.destroyForcibly();
        }
    }

    private void writeGatewayConfig(Path file, int port, Path secret, Path adminToken) throws IOException {
        Map<String, Object> gateway = new LinkedHashMap<>();
        gateway.put("port", port);
        gateway.put("adminPort", 0); // any free port: several platforms may run on one machine
        gateway.put("secretFile", secret.toString());
        gateway.put("adminTokenFile", adminToken.toString());
        if (effective.platform().gateway().certificate() == null && effective.loadBalancer().ssl().enabled()) {
            try {
                SelfSignedCertificate.PemFiles made = SelfSignedCertificate.ensure(dataDir.resolve("tls"),
                        effective.loadBalancer().ssl().certificates());
                gateway.put("certificate", made.certificate().toString());
                gateway.put("privateKey", made.privateKey().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making a certificate", e);
            }
        }
        String yaml = "# Written by `nlt up` at every start: the gateway's ports and files.\n"
                + new ObjectMapper(new YAMLFactory()).writeValueAsString(Map.of("platform", Map.of("gateway", gateway)));
        Files.writeString(file, yaml);
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

    /**
     * A shard id this run would start as a new local shard (there is no {@code shard-N} dir for it)
     * while the catalog already names it, on a server that `nlt shards add --port` registered:
     * starting it would point that id, and the buckets it owns, at a new, empty server. Checked
     * before any shard server starts, so that nothing is created for it.
     */
    private void refuseShardIdsTakenElsewhere(EmbeddedPostgres catalog, PlatformConfig config) throws IOException {
        Set<Integer> local = existingShardDirs();
        int wanted = config.database().sharding().shards();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(catalog.jdbcUrl());
        source.setUser(catalog.user());
        source.setPassword(Secrets.read(catalog.passwordFile()));
        List<RegisteredShard> taken = ShardRegistry.listIfMigrated(source).stream()
                .filter(shard -> shard.id() <= wanted && !local.contains(shard.id()))
                .toList();
        if (!taken.isEmpty()) {
            RegisteredShard first = taken.get(0);
            throw new ShardIdTakenException("database.sharding.shards is " + wanted + ", but shard " + first.id()
                    + " is already registered on " + first.primaryHost() + ":" + first.primaryPort() + "/"
                    + first.database() + " (" + first.state() + "), a server added with `nlt shards add --port`;"
                    + " a local shard " + first.id() + " would take over its id. Set database.sharding.shards to at"
                    + " most " + (first.id() - 1) + "; `nlt shards add` adds local shards under new ids");
        }
    }

    /** The configuration asks for a local shard under an id the catalog gives another server. */
    static final class ShardIdTakenException extends RuntimeException {
        ShardIdTakenException(String message) {
            super(message);
        }
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
                EmbeddedRedis node = EmbeddedRedis.start(new RedisServerOptions(dataDir.resolve("redis"),
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

    private void writeServersConfig(Path file, EmbeddedPostgres postgres, Map<String, Object> redis)
            throws IOException {
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("host", postgres.host());
        pg.put("port", postgres.port());
        pg.put("database", postgres.database());
        pg.put("user", postgres.user());
        pg.put("passwordFile", postgres.passwordFile().toString());
        Map<String, Object> platform = new LinkedHashMap<>();
        platform.put("postgres", pg);
        platform.put("redis", Map.of("passwordFile", redis.get("passwordFile")));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("redis", redis.get("redis"));
        root.put("platform", platform);
        String yaml = "# Written by `nlt up` at every start: where the platform's servers are.\n"
                + new ObjectMapper(new YAMLFactory()).writeValueAsString(root);
        Files.writeString(file, yaml);
    }

    /** Instances and a gateway of an earlier, killed launcher may still be exiting: wait for them, then end them. */
    private void stopStaleProcesses(Path runDir) throws IOException {
        List<Path> pidFiles;
        try (var listing = Files.list(runDir)) {
            pidFiles = listing.filter(f -> f.getFileName().toString().endsWith(".pid")).toList();
        }
        for (Path pidFile : pidFiles) {
            String text = Files.readString(pidFile).strip();
            Files.delete(pidFile);
            long pid;
            try {
                pid = Long.parseLong(text);
            } catch (NumberFormatException e) {
                continue;
            }
            Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(handle -> handle.info().arguments()
                    .map(args -> String.join(" ", args).contains("-Dnlt.dataDir=" + dataDir)).orElse(false));
            if (stale.isPresent()) {
                System.out.println("stopping a leftover process of an earlier run (pid " + pid + ")");
                stale.get().destroy();
                try {
                    stale.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    stale.get().destroyForcibly();
                }
            }
        }
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

    /** Something that stops its own processes; closed with the rest, in reverse order of starting. */
    private synchronized void stopAtClose(AutoCloseable stopper) {
        if (closed) {
            throw new IllegalStateException("the platform is stopping");
        }
        started.add(stopper);
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
