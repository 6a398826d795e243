package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One postmaster we launched, primary or standby, as its public wrapper sees it: where it runs and its stop. */
final class PostgresProcess {

    private static final Logger log = LoggerFactory.getLogger(PostgresProcess.class);

    private final String what;
    private final PostgresCluster cluster;
    private final Path logFile;
    private final PostgresServers.Started started;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param what for the log and failures, as in "Stopping PostgreSQL replica pid 42" */
    PostgresProcess(String what, PostgresCluster cluster, Path logFile, PostgresServers.Started started) {
        this.what = what;
        this.cluster = cluster;
        this.logFile = logFile;
        this.started = started;
    }

    int port() {
        return started.port();
    }

    long pid() {
        return started.launched().server().pid();
    }

    Path dataDir() {
        return cluster.dataDir();
    }

    Path passwordFile() {
        return cluster.passwordFile();
    }

    Path logFile() {
        return logFile;
    }

    /** Fast shutdown; returns once the server and its watchdog have exited. Safe to call more than once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (started.launched().server().isRunning()) {
            log.info("Stopping {} pid {}", what, pid());
        }
        if (!PostgresServers.stop(started.launched(), PostgresServers.STOP_TIMEOUT)) {
            throw EmbeddedServerException.withLog(what + " pid " + pid() + " did not stop", logFile);
        }
    }
}
