package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server process for local runs and integration tests, listening on 127.0.0.1 only.
 *
 * <p>The first start creates the cluster in {@code baseDir/pgdata} (scram-sha-256 authentication, a superuser with a
 * generated password kept in {@code baseDir/password}, the database); later starts reuse it. When the JVM runs as root
 * the server runs as the OS user {@code postgres}. With a {@code watchPid} the server stops by itself within seconds
 * of that process dying. Every server is set up to feed streaming replicas ({@link EmbeddedPostgresReplica}).
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String HOST = PostgresServers.HOST;

    private final PostgresOptions options;
    private final PostgresBinaries binaries;
    private final PostgresCluster cluster;
    private final RunningServer process;

    private EmbeddedPostgres(PostgresOptions options, PostgresBinaries binaries, PostgresCluster cluster,
                             RunningServer process) {
        this.options = options;
        this.binaries = binaries;
        this.cluster = cluster;
        this.process = process;
    }

    /** Starts the server (creating the cluster on first use) and returns once it accepts connections. */
    public static EmbeddedPostgres start(PostgresOptions options) {
        Objects.requireNonNull(options, "options");
        PostgresServers.Prepared prepared = PostgresServers.prepare(options.baseDir(), options.logFile(),
                options.watchPid());
        PostgresCluster cluster = prepared.cluster();
        cluster.ensureInitialized(options.user(), options.database());
        cluster.prepareStart(PostgresServers.STALE_WAIT);

        PostgresServers.Started started = PostgresServers.launch(cluster, prepared.baseDir(), prepared.logFile(),
                options.port(), options.watchPid(), options.settings(), logSinceLaunch -> true);
        log.info("PostgreSQL ({}) ready on {}:{}, pid {}, data {} (as user {})", prepared.binaries().origin(), HOST,
                started.port(), started.launched().server().pid(), cluster.dataDir(), prepared.user().describe());
        return new EmbeddedPostgres(options, prepared.binaries(),
                cluster, PostgresServers.running("PostgreSQL", prepared.logFile(), started));
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return process.port();
    }

    public String database() {
        return options.database();
    }

    public String user() {
        return options.user();
    }

    /** The extra postgresql.conf parameters it runs with; its replicas start with the same. */
    Map<String, String> settings() {
        return options.settings();
    }

    /** The 0600 file holding the superuser's password (one line). */
    public Path passwordFile() {
        return cluster.passwordFile();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + options.database();
    }

    /** The postmaster's pid. */
    public long pid() {
        return process.pid();
    }

    /** Where initdb and postgres came from; other tools of the same installation (if any) live here too. */
    public Path binDir() {
        return binaries.binDir();
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
        return "EmbeddedPostgres[" + jdbcUrl() + ", pid " + pid() + "]";
    }
}
