package com.nextleveltraders.cli.local;

import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.RegionSpread;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.embedded.Passwords;
import com.nextleveltraders.gateway.SelfSignedCertificate;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Everything `nlt up` runs on this machine, as real processes, started in this order: PostgreSQL
 * (the catalog, then each shard's primary and replica: {@link LocalPostgres}), the Redis tier
 * ({@link LocalRedis}), the migrations ({@link LocalMigrations}), the gateway ({@link GatewayProcess})
 * and the API instances ({@link LocalInstances}: {@code scaling.minInstances} at start, spread over
 * the regions), then the autoscaler, the monitor ({@link LocalMonitor}) and the fleet's view for the operations
 * dashboard ({@link LocalFleet}). Where the servers are is written to {@code DIR/run} for the
 * children ({@link RunFiles}). Each child watches this process and exits when it dies, so a killed
 * launcher leaves nothing running; each logs to a file under {@code DIR/logs}. The
 * {@link Supervisor} stops them all in reverse order and, once the platform is up, restarts what
 * can rejoin.
 */
public final class LocalPlatform implements AutoCloseable {

    /** In {@code DIR/run}: where the servers `nlt up` started are, for the instances and for commands against a running platform. */
    public static final String SERVERS_FILE = RunFiles.SERVERS_FILE;
    private static final String WEB_MANIFEST = "manifest.json";

    private final Path dataDir;
    private final Supervisor supervisor = new Supervisor();
    private final LocalPostgres postgres;
    private volatile LocalInstances instances;
    private URI loopbackUrl;
    private URI url;
    private URI opsUrl;
    private Path adminTokenFile;
    // What a shard added while the platform runs needs: set by start.
    private volatile PlatformConfig effective;

    public LocalPlatform(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.postgres = new LocalPostgres(this.dataDir, logDir(), supervisor);
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    public URI url() {
        return url;
    }

    /** Plain HTTP on the same port, for loopback clients. */
    public URI loopbackUrl() {
        return loopbackUrl;
    }

    /** The operations dashboard, on the gateway's loopback admin port. */
    public URI opsUrl() {
        return opsUrl;
    }

    /** The file holding the gateway's admin token, which the operations dashboard asks for once. */
    public Path adminTokenFile() {
        return adminTokenFile;
    }

    /** The configuration the platform runs with, once {@link #start} has loaded it. */
    public PlatformConfig config() {
        return effective;
    }

    /** The live instances, oldest first. */
    public List<Instance> instances() {
        return instances.instances();
    }

    /**
     * Starts every process and waits until the gateway has every first instance UP.
     *
     * @throws ShardIdTakenException if the configuration asks for a local shard under an id the catalog gives
     *     another server
     */
    public void start(PlatformConfig config, Optional<Path> userConfig, int port)
            throws IOException, InterruptedException {
        Files.createDirectories(logDir());
        Path runDir = Files.createDirectories(dataDir.resolve("run"));

        PostgresEndpoint catalog = postgres.startCatalog(config);
        postgres.refuseShardIdsTakenElsewhere(config);
        List<RegisteredShard> shards = postgres.startShards(config);
        LocalRedis.Endpoints redis = new LocalRedis(dataDir, logDir(), supervisor).start(config);

        Path serversFile = runDir.resolve(SERVERS_FILE);
        RunFiles.writeServers(serversFile, catalog, redis);
        List<Path> files = new ArrayList<>();
        userConfig.ifPresent(files::add);
        files.add(serversFile);
        effective = ConfigLoader.load(files);

        LocalMigrations.apply(effective, shards);
        ReplicationGuard replicationGuard = new ReplicationGuard(effective, Clock.systemUTC());
        supervisor.stopAtClose(replicationGuard);
        replicationGuard.start();

        ChildJvm.stopLeftovers(runDir, dataDir);
        Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
        Path gatewaySecret = secretFile(secrets.resolve("gateway-secret"));
        Path adminToken = secretFile(secrets.resolve("gateway-admin-token"));
        Path gatewayFile = runDir.resolve(RunFiles.GATEWAY_FILE);
        writeGatewayFile(gatewayFile, port, gatewaySecret, adminToken);
        List<Path> gatewayFiles = new ArrayList<>(files);
        gatewayFiles.add(gatewayFile);
        PlatformConfig gatewayConfig = ConfigLoader.load(gatewayFiles);
        var gateway = gatewayConfig.platform().gateway();
        System.out.println("starting the gateway on " + gateway.host() + ":" + port + "...");
        int adminPort = GatewayProcess.start(dataDir, gateway.heap().mebibytes(), gatewayFiles, supervisor,
                () -> instances.registerAll());
        GatewayAdmin admin = new GatewayAdmin(adminPort, Secrets.read(adminToken), gateway.drainTimeout());
        instances = new LocalInstances(dataDir, effective.platform().api().heap().mebibytes(), files, gatewaySecret,
                adminToken, admin, Clock.systemUTC());
        supervisor.stopAtClose(instances); // each instance is watched by LocalInstances itself

        int minimum = effective.scaling().minInstances();
        System.out.println("starting " + minimum + " API instances across " + effective.scaling().regions() + "...");
        launchAll(firstRegions(minimum));
        LocalAutoscaler autoscaler = new LocalAutoscaler(effective, instances, runDir, Clock.systemUTC());
        supervisor.stopAtClose(autoscaler);
        autoscaler.start();
        LocalMonitor monitor = new LocalMonitor(effective, instances, autoscaler, adminPort, runDir,
                Clock.systemUTC());
        supervisor.stopAtClose(monitor);
        monitor.start();
        // Closed before the monitor and the instances it reads.
        LocalFleet fleet = new LocalFleet(effective, instances, autoscaler, monitor, admin, runDir,
                Clock.systemUTC());
        supervisor.stopAtClose(fleet);
        fleet.start();
        opsUrl = URI.create("http://127.0.0.1:" + adminPort + "/ops");
        adminTokenFile = adminToken;
        boolean tls = effective.loadBalancer().ssl().enabled();
        url = URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + port);
        loopbackUrl = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * From now on a child that dies on its own is started again when it can rejoin (Redis nodes and
     * Sentinels, the gateway, a shard's PostgreSQL replica), a shard's primary that is lost is failed
     * over to its replica; losing any other (the catalog, a shard's primary with no replica left, a
     * failover that fails half-way) runs {@code onFatal}.
     */
    public void supervise(Runnable onFatal) {
        supervisor.superviseAll(onFatal);
        postgres.startFailover(onFatal);
    }

    /** True once {@link #close} began. */
    public boolean stopping() {
        return supervisor.stopping();
    }

    /**
     * Starts a new shard while the platform runs (see {@link LocalPostgres#addShard}), its servers
     * stopped with the rest and supervised as the others.
     */
    public RegisteredShard addShard() throws IOException {
        LocalPostgres.StartedShard added = postgres.addShard(effective);
        added.children().forEach(supervisor::supervise);
        return added.shard();
    }

    /** A generated secret in a 0600 file, made on the first run and kept. */
    private static Path secretFile(Path file) {
        Passwords.loadOrCreate(file);
        return file;
    }

    /** The gateway's file, with a self-signed certificate made (once) when TLS is on and none is configured. */
    private void writeGatewayFile(Path file, int port, Path secret, Path adminToken) throws IOException {
        Path certificate = null;
        Path privateKey = null;
        if (effective.platform().gateway().certificate() == null && effective.loadBalancer().ssl().enabled()) {
            try {
                SelfSignedCertificate.PemFiles made = SelfSignedCertificate.ensure(dataDir.resolve("tls"),
                        effective.loadBalancer().ssl().certificates());
                certificate = made.certificate();
                privateKey = made.privateKey();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making a certificate", e);
            }
        }
        Path webRoot = null;
        if (effective.platform().gateway().webRoot() == null) {
            webRoot = builtWebApp(List.of(System.getProperty("java.class.path").split(File.pathSeparator)))
                    .orElse(null);
        }
        if (webRoot != null) {
            System.out.println("serving the web app built in " + webRoot);
        }
        RunFiles.writeGateway(file, port, secret, adminToken, certificate, privateKey,
                file.resolveSibling(LocalMonitor.STATUS_FILE), webRoot, file.resolveSibling(LocalFleet.FLEET_FILE));
    }

    /**
     * The repository's {@code web/dist} once the web app has been built there (its {@code manifest.json}
     * is there: a directory without one holds no finished build). The repository is found as {@link ChildClasspath} finds modules: a
     * class path entry {@code <repository>/<module>/target/classes}, which `./nlt` always runs from.
     * Empty when the launcher runs from jars alone, or nothing is built: the API then runs without the app.
     */
    static Optional<Path> builtWebApp(List<String> classPath) {
        for (String entry : classPath) {
            Path classes = Path.of(entry).toAbsolutePath().normalize();
            if (!classes.endsWith(Path.of("target", "classes")) || classes.getNameCount() < 3) {
                continue;
            }
            Path dist = classes.getParent().getParent().resolveSibling("web").resolve("dist");
            if (Files.isRegularFile(dist.resolve(WEB_MANIFEST))) {
                return Optional.of(dist);
            }
        }
        return Optional.empty();
    }

    /** The regions of the first instances, spread as the autoscaler would add them. */
    private List<String> firstRegions(int count) {
        RegionSpread spread = new RegionSpread(effective.scaling().regions());
        List<String> regions = new ArrayList<>();
        List<Instance> planned = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String region = spread.whereToAdd(planned);
            regions.add(region);
            planned.add(new Instance("planned-" + i, region, Instant.EPOCH, URI.create("http://127.0.0.1/")));
        }
        return regions;
    }

    /** Starts instances side by side: each waits for its JVM and its health checks, not for the others. */
    private void launchAll(List<String> regions) throws IOException, InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
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

    /** Stops everything in reverse order of starting. */
    @Override
    public void close() {
        supervisor.close();
    }
}
