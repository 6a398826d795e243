package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Objects;
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
