package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.config.SynchronousCommit;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL servers `nlt up` runs: the catalog, and for each shard a primary with a streaming
 * replica. Every server has room for a full pool from every instance the autoscaler may run, and
 * all share the catalog's password, so one set of credentials reaches them all. A replica that dies
 * is started again ({@link ShardReplica}); a shard's primary that is lost is failed over to its
 * replica ({@link ShardFailover}, decided by {@link FailoverDecider}); losing the catalog is fatal to
 * the platform, as it is not failed over yet.
 */
final class LocalPostgres {

    /** A shard started, and its two processes for the launcher to watch. */
    record StartedShard(RegisteredShard shard, List<Supervisor.Child> children) {
    }

    private final Path dataDir;
    private final Path logDir;
    private final Supervisor supervisor;
    private final ReplicaStates replicaStates;
    private final ShardPrimaries primaries;
    // Set by startCatalog: what every shard server copies, and the one deciding failovers.
    private EmbeddedPostgres catalog;
    private Map<String, String> settings;
    private SynchronousCommit synchronous;
    private FailoverDecider decider;
    private PGSimpleDataSource catalogSource;

    LocalPostgres(Path dataDir, Path logDir, Supervisor supervisor) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.supervisor = supervisor;
        this.replicaStates = new ReplicaStates(dataDir.resolve("run"));
        this.primaries = new ShardPrimaries(dataDir.resolve("run"));
    }

    /** Said when the catalog dies: the platform stops. */
    static final String NOT_FAILED_OVER = "the catalog's PostgreSQL is not failed over to a replica yet: the"
            + " platform stops";

    /** Starts the catalog's server and returns where it is: {@code platform.postgres}. */
    PostgresEndpoint startCatalog(PlatformConfig config) {
        long self = ProcessHandle.current().pid();
        settings = settings(config);
        synchronous = config.database().replication().synchronous();
        System.out.println("starting PostgreSQL: the catalog...");
        Path log = logDir.resolve("postgres.log");
        EmbeddedPostgres postgres = EmbeddedPostgres.start(new PostgresOptions(dataDir.resolve("postgres"), log, 0,
                config.platform().postgres().database(), config.platform().postgres().user(), self, settings));
        supervisor.track(postgres, new Supervisor.Child("PostgreSQL (catalog)", Supervisor.handle(postgres.pid()),
                log, null, NOT_FAILED_OVER));
        catalog = postgres;
        catalogSource = new PGSimpleDataSource();
        catalogSource.setUrl(catalog.jdbcUrl());
        catalogSource.setUser(catalog.user());
        catalogSource.setPassword(Secrets.read(catalog.passwordFile()));
        decider = new FailoverDecider(catalogSource::getConnection, config.database().failover(), catalog.user(),
                Secrets.read(catalog.passwordFile()));
        return new PostgresEndpoint(postgres.host(), postgres.port(), postgres.database(), postgres.user(),
                postgres.passwordFile());
    }

    /**
     * What every server of the platform runs with (shards' primaries and their replicas copy the
     * catalog's): room for every connection, and each statement slower than the query-time alert's
     * threshold ({@code monitoring.database.queryTime.threshold}) written to the server's log, so that
     * when that alert fires the statements behind it are there to read.
     */
    static Map<String, String> settings(PlatformConfig config) {
        return Map.of("max_connections", Integer.toString(maxConnections(config)),
                "log_min_duration_statement",
                Long.toString(config.monitoring().database().queryTime().threshold().toMillis()));
    }

    /**
     * Room for every instance the autoscaler may run ({@code scaling.maxInstances}), each with a
     * full pool ({@code database.pool.max}) to every server, plus {@code database.reservedConnections}
     * for the launcher and tools.
     */
    static int maxConnections(PlatformConfig config) {
        return config.scaling().maxInstances() * config.database().pool().max()
                + config.database().reservedConnections();
    }

    /**
     * A shard id this run would start as a new local shard (there is no {@code shard-N} dir for it)
     * while the catalog already names it, on a server that `nlt shards add --port` registered:
     * starting it would point that id, and the buckets it owns, at a new, empty server. Checked
     * before any shard server starts, so that nothing is created for it.
     */
    void refuseShardIdsTakenElsewhere(PlatformConfig config) throws IOException {
        Set<Integer> local = existingShardDirs();
        int wanted = config.database().sharding().shards();
        List<RegisteredShard> taken = ShardRegistry.listIfMigrated(catalogSource).stream()
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

    /**
     * Starts each shard's primary and streaming replica: {@code database.sharding.shards} on a new
     * data dir, and every shard an earlier run created or `nlt shards add` added (a shard is never
     * dropped by a smaller number here).
     */
    List<RegisteredShard> startShards(PlatformConfig config) throws IOException {
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
     * Starts a new shard while the platform runs: the next id after every registered shard and
     * every {@code shard-N} dir, a primary and a streaming replica as at start (tracked, so stopped
     * with the rest), migrated and registered ACTIVE, owning no bucket yet. A later start finds its
     * dir and starts it again.
     */
    StartedShard addShard(PlatformConfig effective) throws IOException {
        try (Database database = Database.open(effective)) {
            int registered = ShardRegistry.list(database.catalog()).stream().mapToInt(RegisteredShard::id).max()
                    .orElse(0);
            int dirs = existingShardDirs().stream().mapToInt(Integer::intValue).max().orElse(0);
            StartedShard started = startShard(Math.max(registered, dirs) + 1);
            Rebalancer.addShard(database, started.shard());
            return started;
        }
    }

    private StartedShard startShard(int id) throws IOException {
        long self = ProcessHandle.current().pid();
        Path shardDir = Files.createDirectories(dataDir.resolve("shard-" + id));
        adoptPromotedReplica(id, shardDir);
        Path primaryDir = Files.createDirectories(shardDir.resolve("primary"));
        Path password = primaryDir.resolve("password");
        if (!Files.exists(password)) {
            Files.copy(catalog.passwordFile(), password);
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        }
        System.out.println("starting PostgreSQL: shard " + id + ", primary and streaming replica...");
        Path primaryLog = logDir.resolve("shard-" + id + "-primary.log");
        // Its commits wait for its replica (database.replication), which streams as application "replica".
        EmbeddedPostgres primary = EmbeddedPostgres.start(new PostgresOptions(primaryDir, primaryLog, 0,
                catalog.database(), catalog.user(), self, settings).withSynchronousReplica(
                ReplicaOptions.slotFor(shardDir.resolve("replica")), synchronous.setting()));
        supervisor.stopAtClose(primary);
        Path replicaLog = logDir.resolve("shard-" + id + "-replica.log");
        Files.createDirectories(dataDir.resolve("run"));
        ShardReplica restartable = ShardReplica.start(id, ReplicaOptions.of(shardDir.resolve("replica"), primary)
                .withLogFile(replicaLog).withWatchPid(self), catalog.database(), replicaStates);
        EmbeddedPostgresReplica replica = restartable.current();
        // Its loss is failed over to the replica: fenced, the replica promoted and registered.
        ShardFailover failover = new ShardFailover(id, catalog.database(), primary, restartable, decider, catalogSource,
                primaries, supervisor::stopping);
        Supervisor.Child primaryChild = new Supervisor.Child("PostgreSQL (shard " + id + " primary)",
                Supervisor.handle(primary.pid()), primaryLog, failover);
        supervisor.watchAlso(primaryChild);
        Supervisor.Child replicaChild = new Supervisor.Child("PostgreSQL (shard " + id + " replica)",
                Supervisor.handle(replica.pid()), replicaLog, restartable);
        supervisor.track(restartable, replicaChild);
        decider.add(failover);
        return new StartedShard(new RegisteredShard(id, primary.host(), primary.port(), replica.host(), replica.port(),
                primary.database(), ShardState.ACTIVE), List.of(primaryChild, replicaChild));
    }

    /**
     * From now on shard primaries are failed over to their replicas ({@link FailoverDecider}),
     * once this launcher holds the catalog's failover lock; stopped first at close, so that servers
     * stopping are not taken for lost ones.
     */
    void startFailover(Runnable onFatal) {
        supervisor.stopAtClose(decider);
        decider.start(onFatal);
    }

    /**
     * After a failover in an earlier run the shard's replica dir holds its primary (promoted: no
     * longer a standby) and the primary dir the server it replaced, which may lack the last commits
     * and must never serve again: that one is set aside as {@code primary-replaced-MILLIS} (for the
     * operator to delete), the promoted one becomes {@code primary}, and a new replica is copied from
     * it. The promoted server stops committing alone ({@code synchronous_standby_names} cleared by the
     * failover is dropped from its postgresql.auto.conf), as it has a replica again.
     */
    private static void adoptPromotedReplica(int id, Path shardDir) throws IOException {
        Path replica = shardDir.resolve("replica");
        Path replicaData = replica.resolve("pgdata");
        if (!Files.isDirectory(replicaData) || Files.exists(replicaData.resolve("standby.signal"))) {
            return;
        }
        Path primary = shardDir.resolve("primary");
        Path aside = shardDir.resolve("primary-replaced-" + System.currentTimeMillis());
        if (Files.exists(primary)) {
            Files.move(primary, aside);
        }
        Files.move(replica, primary);
        Path auto = primary.resolve("pgdata").resolve("postgresql.auto.conf");
        if (Files.isRegularFile(auto)) {
            List<String> kept = Files.readAllLines(auto).stream()
                    .filter(line -> !line.strip().startsWith("synchronous_standby_names")).toList();
            Files.write(auto, kept);
        }
        System.out.println("shard " + id + ": its replica was promoted by a failover; it is the primary now (" + primary
                + "), the server it replaced is kept in " + aside + " and a new replica is copied");
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
}
