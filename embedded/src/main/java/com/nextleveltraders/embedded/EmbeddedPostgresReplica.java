package com.nextleveltraders.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL hot standby streaming from a primary (normally an {@link EmbeddedPostgres}), listening on
 * 127.0.0.1 only and serving read-only queries.
 *
 * <p>The first start copies the running primary into {@code baseDir/pgdata} with pg_basebackup and creates a physical
 * replication slot on it named {@link ReplicaOptions#slot()}; later starts reuse the copy and catch up from where they
 * stopped, and need the primary only for that (they become ready from their own WAL even while it is down). It runs as
 * the same OS user as the primary and, with a {@code watchPid}, stops by itself within seconds of that process dying.
 */
public final class EmbeddedPostgresReplica implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresReplica.class);
    private static final String HOST = PostgresServers.HOST;

    private final ReplicaOptions options;
    private final PostgresCluster cluster;
    private final RunningServer process;

    private EmbeddedPostgresReplica(ReplicaOptions options, PostgresCluster cluster, RunningServer process) {
        this.options = options;
        this.cluster = cluster;
        this.process = process;
    }

    /**
     * Starts the standby (copying the primary on first use) and returns once it admits read-only connections, that is
     * once it replayed enough WAL to be consistent. On first use the primary must be running, and pg_basebackup must
     * be available (the system PostgreSQL has it, the bundled binaries do not).
     */
    public static EmbeddedPostgresReplica start(ReplicaOptions options) {
        Objects.requireNonNull(options, "options");
        long began = System.nanoTime();
        PostgresServers.Prepared prepared = PostgresServers.prepare(options.baseDir(), options.logFile(),
                options.watchPid());
        PostgresCluster cluster = prepared.cluster();
        StandbyCluster standby = new StandbyCluster(cluster, prepared.baseDir(), prepared.binaries(), prepared.user(),
                prepared.logFile());
        boolean copy = !standby.exists();
        Path pgBasebackup = copy ? standby.requireBaseBackupTool() : null;
        standby.writeCredentials(options.primaryUser(), Passwords.load(options.primaryPasswordFile()));
        if (copy) {
            standby.copyFromPrimary(options, pgBasebackup);
        }
        cluster.prepareStart(PostgresServers.STALE_WAIT);

        PostgresServers.Started started = PostgresServers.launch(cluster, prepared.baseDir(), prepared.logFile(),
                options.port(), options.watchPid(), standby.serverSettings(options),
                EmbeddedPostgresReplica::inRecovery);
        log.info("PostgreSQL replica ({}) ready on {}:{} after {} ms, pid {}, streaming from {}:{} (slot {}), data {}",
                prepared.binaries().origin(), HOST, started.port(), (System.nanoTime() - began) / 1_000_000,
                started.launched().server().pid(), options.primaryHost(), options.primaryPort(), options.slot(),
                cluster.dataDir());
        return new EmbeddedPostgresReplica(options,
                cluster, PostgresServers.running("PostgreSQL replica", prepared.logFile(), started));
    }

    /**
     * True when {@code options} name a replica whose data directory exists, so that {@link #start} would run on it
     * rather than copy the primary.
     */
    public static boolean hasData(ReplicaOptions options) {
        return Files.isDirectory(dataDirOf(options));
    }

    /**
     * Deletes the replica's data directory and starts it as on first use: copied again from the running primary, on
     * the same slot. For a replica whose data cannot be used any more (its start failed); a replica is only a copy, so
     * nothing the primary does not have is lost. Waits first for any process still working in that directory (the
     * backends of a killed postmaster), as a start does.
     */
    public static EmbeddedPostgresReplica copyAgain(ReplicaOptions options) {
        Objects.requireNonNull(options, "options");
        PostgresServers.Prepared prepared = PostgresServers.prepare(options.baseDir(), options.logFile(),
                options.watchPid());
        PostgresCluster cluster = prepared.cluster();
        if (Files.isDirectory(cluster.dataDir())) {
            cluster.prepareStart(PostgresServers.STALE_WAIT);
            log.info("Discarding the replica's data {} to copy the primary {}:{} again", cluster.dataDir(),
                    options.primaryHost(), options.primaryPort());
            CacheDir.deleteTree(cluster.dataDir());
        }
        return start(options);
    }

    private static Path dataDirOf(ReplicaOptions options) {
        return options.baseDir().toAbsolutePath().normalize().resolve("pgdata");
    }

    /**
     * pg_is_in_recovery() without a SQL client: a postmaster that is ready logs which way it came up, and only a
     * server still in recovery (a hot standby) admits read-only connections.
     */
    private static boolean inRecovery(String logSinceLaunch) {
        if (logSinceLaunch.contains("database system is ready to accept read-only connections")) {
            return true;
        }
        if (logSinceLaunch.contains("database system is ready to accept connections")) {
            throw new EmbeddedServerException("the replica came up as a primary (not in recovery) although "
                    + "standby.signal was in place");
        }
        return false;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return process.port();
    }

    /** The superuser, the same as the primary's: the replica is a physical copy. */
    public String user() {
        return options.primaryUser();
    }

    /** The 0600 file holding the superuser's password: a copy of the primary's, which works here too. */
    public Path passwordFile() {
        return cluster.passwordFile();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** The replication slot on the primary that this replica streams from. */
    public String slot() {
        return options.slot();
    }

    /** The postmaster's pid. */
    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return cluster.dataDir();
    }

    /**
     * How the server ended, once it has: its watchdog exits with the server's status, which is 128 + the signal's
     * number when a signal ended it (137 for SIGKILL). Empty while it runs, or when its watchdog did not say.
     */
    public OptionalInt exitCode() {
        if (process.isRunning()) {
            return OptionalInt.empty();
        }
        Watchdog.Launched launched = process.launched();
        launched.awaitWrapperExit();
        return launched.wrapper().isAlive() ? OptionalInt.empty() : OptionalInt.of(launched.wrapper().exitValue());
    }

    public Path logFile() {
        return process.logFile();
    }

    /** Fast shutdown; returns once the server and its watchdog have exited. Safe to call more than once. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresReplica[" + HOST + ":" + port() + ", pid " + pid() + ", slot " + slot() + "]";
    }
}
