package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server process for local runs and integration tests, listening on 127.0.0.1 only.
 *
 * <p>The first start creates the cluster in {@code baseDir/pgdata} (scram-sha-256 authentication, a superuser with a
 * generated password kept in {@code baseDir/password}, the database); later starts reuse it. When the JVM runs as root
 * the server runs as the OS user {@code postgres}. With a {@code watchPid} the server stops by itself within seconds
 * of that process dying.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String HOST = "127.0.0.1";
    /** Generous because a start after a crash replays WAL first. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STALE_WAIT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private final PostgresOptions options;
    private final PostgresCluster cluster;
    private final PostgresBinaries binaries;
    private final Path logFile;
    private final int port;
    private final Watchdog.Launched launched;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(PostgresOptions options, PostgresCluster cluster, PostgresBinaries binaries, Path logFile,
                             int port, Watchdog.Launched launched) {
        this.options = options;
        this.cluster = cluster;
        this.binaries = binaries;
        this.logFile = logFile;
        this.port = port;
        this.launched = launched;
    }

    /** Starts the server (creating the cluster on first use) and returns once it accepts connections. */
    public static EmbeddedPostgres start(PostgresOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = createDirectory(options.baseDir());
        Path logFile = LogFiles.prepare(options.logFile());
        ServerUser user = ServerUser.forPostgres();
        PostgresBinaries binaries = PostgresBinaries.resolve();
        user.ensureCanReach(baseDir, binaries.binDir());
        PostgresCluster cluster = new PostgresCluster(baseDir, binaries, user, logFile);
        cluster.ensureInitialized(options.user(), options.database());
        cluster.prepareStart(STALE_WAIT);

        for (int attempt = 1; ; attempt++) {
            int port = options.port() == 0 ? FreePorts.pick() : options.port();
            long logOffset = LogFiles.size(logFile);
            Watchdog.Launched launched = Watchdog.launch(cluster.serverCommand(port, options.settings()),
                    options.watchPid(), "INT", "QUIT", logFile, baseDir, PostgresCluster::environment);
            try {
                awaitReady(cluster, launched.server(), port, logFile);
            } catch (EmbeddedServerException e) {
                stop(launched, Duration.ofSeconds(10));
                // A port picked for us can be grabbed by someone else before the server binds it: pick another.
                if (options.port() == 0 && attempt < PORT_ATTEMPTS && portTaken(LogFiles.since(logFile, logOffset))) {
                    log.info("Port {} was taken before PostgreSQL could bind it; trying another", port);
                    continue;
                }
                throw e;
            }
            log.info("PostgreSQL ({}) ready on {}:{}, pid {}, data {} (as user {})", binaries.origin(), HOST, port,
                    launched.server().pid(), cluster.dataDir(), user.describe());
            return new EmbeddedPostgres(options, cluster, binaries, logFile, port, launched);
        }
    }

    private static void awaitReady(PostgresCluster cluster, ServerProcess server, int port, Path logFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!server.isRunning()) {
                throw EmbeddedServerException.withLog("PostgreSQL (pid " + server.pid() + ") exited during startup",
                        logFile);
            }
            // The lock file says the postmaster finished recovery; the handshake proves it serves on our port.
            if (cluster.lockSaysReady(server.pid()) && WireProbes.postgresAnswers(HOST, port)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw EmbeddedServerException.withLog("PostgreSQL (pid " + server.pid() + ") was not ready within "
                        + READY_TIMEOUT.toSeconds() + " s", logFile);
            }
            Procs.pause(50);
        }
    }

    private static boolean portTaken(String log) {
        return log.contains("could not bind") || log.contains("Address already in use");
    }

    private static Path createDirectory(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create " + absolute, e);
        }
        return absolute;
    }

    /** SIGINT is PostgreSQL's fast shutdown: clients are disconnected, a checkpoint written, then it exits. */
    private static boolean stop(Watchdog.Launched launched, Duration grace) {
        boolean stopped = launched.server().stop("INT", grace, "QUIT");
        launched.awaitWrapperExit();
        return stopped;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String database() {
        return options.database();
    }

    public String user() {
        return options.user();
    }

    /** The 0600 file holding the superuser's password (one line). */
    public Path passwordFile() {
        return cluster.passwordFile();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + options.database();
    }

    /** The postmaster's pid. */
    public long pid() {
        return launched.server().pid();
    }

    /** Where initdb and postgres came from; other tools of the same installation (if any) live here too. */
    public Path binDir() {
        return binaries.binDir();
    }

    public Path dataDir() {
        return cluster.dataDir();
    }

    public Path logFile() {
        return logFile;
    }

    /** Fast shutdown; returns once the server and its watchdog have exited. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (launched.server().isRunning()) {
            log.info("Stopping PostgreSQL pid {}", pid());
        }
        if (!stop(launched, STOP_TIMEOUT)) {
            throw EmbeddedServerException.withLog("PostgreSQL pid " + pid() + " did not stop", logFile);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + jdbcUrl() + ", pid " + pid() + "]";
    }
}
