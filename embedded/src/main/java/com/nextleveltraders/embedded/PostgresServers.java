package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every postmaster we run shares, primary or standby: the watchdog, a free port (retried when somebody else binds
 * it first), the lock file plus a wire handshake as the readiness test, and SIGINT (fast shutdown) to stop.
 */
final class PostgresServers {

    static final String HOST = "127.0.0.1";
    /** Generous because a start after a crash replays WAL first. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STALE_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(PostgresServers.class);
    private static final int PORT_ATTEMPTS = 3;

    /** A server that is ready on {@code port}. */
    record Started(int port, Watchdog.Launched launched) {
    }

    /**
     * The last readiness condition, judged on what the server logged since it was launched: true when ready, false to
     * keep waiting; throws when the server came up as something we did not ask for.
     */
    @FunctionalInterface
    interface LogCheck {
        boolean ready(String logSinceLaunch);
    }

    /** What a start needs before the postmaster runs: its directories, OS user, binaries and cluster. */
    record Prepared(Path baseDir, Path logFile, ServerUser user, PostgresBinaries binaries, PostgresCluster cluster) {
    }

    private PostgresServers() {
    }

    /**
     * Creates the directory and log file and picks the OS user and binaries; the user must be able to reach both the
     * directory and the binaries, which matters when we run as root and the server does not.
     */
    static Prepared prepare(Path baseDir, Path logFile, long watchPid) {
        Watchdog.requireWatchable(watchPid);
        Path dir = ServerDirectory.create(baseDir);
        Path log = LogFiles.prepare(logFile);
        ServerUser user = ServerUser.forPostgres();
        PostgresBinaries binaries = PostgresBinaries.resolve();
        user.ensureCanReach(dir, binaries.binDir());
        return new Prepared(dir, log, user, binaries, new PostgresCluster(dir, binaries, user, log));
    }

    /**
     * Starts the postmaster of {@code cluster} under the watchdog and waits until it is ready. With
     * {@code requestedPort} 0 a free port is picked, and another one if the server lost the race for it.
     */
    static Started launch(PostgresCluster cluster, Path baseDir, Path logFile, int requestedPort, long watchPid,
                          Map<String, String> settings, LogCheck logCheck) {
        cluster.writeFileSettings(settings);
        for (int attempt = 1; ; attempt++) {
            int port = requestedPort == 0 ? FreePorts.pick() : requestedPort;
            long logOffset = LogFiles.size(logFile);
            Watchdog.Launched launched = Watchdog.launch(cluster.serverCommand(port, settings), watchPid, "INT", "QUIT",
                    logFile, baseDir, PostgresCluster::environment);
            try {
                awaitReady(cluster, launched.server(), port, logFile, logOffset, logCheck);
            } catch (EmbeddedServerException e) {
                stop(launched, Duration.ofSeconds(10));
                // A port picked for us can be grabbed by someone else before the server binds it: pick another.
                if (requestedPort == 0 && attempt < PORT_ATTEMPTS && portTaken(LogFiles.since(logFile, logOffset))) {
                    log.info("Port {} was taken before PostgreSQL could bind it; trying another", port);
                    continue;
                }
                throw e;
            }
            return new Started(port, launched);
        }
    }

    private static void awaitReady(PostgresCluster cluster, ServerProcess server, int port, Path logFile,
                                   long logOffset, LogCheck logCheck) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!server.isRunning()) {
                throw EmbeddedServerException.withLog("PostgreSQL (pid " + server.pid() + ") exited during startup",
                        logFile);
            }
            // The lock file says the postmaster finished recovery (or, on a standby, reached a consistent state and
            // admits read-only sessions); the handshake proves it serves on our port.
            if (cluster.lockSaysReady(server.pid()) && WireProbes.postgresAnswers(HOST, port)
                    && logCheck.ready(LogFiles.since(logFile, logOffset))) {
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

    /** The handle on a started server that its public wrapper keeps: fast shutdown to stop it. */
    static RunningServer running(String what, Path logFile, Started started) {
        return new RunningServer(what, what, started.port(), started.launched(), logFile,
                launched -> stop(launched, STOP_TIMEOUT));
    }

    /** SIGINT is PostgreSQL's fast shutdown: clients are disconnected, a checkpoint written, then it exits. */
    static boolean stop(Watchdog.Launched launched, Duration grace) {
        boolean stopped = launched.server().stop("INT", grace, "QUIT");
        launched.awaitWrapperExit();
        return stopped;
    }
}
