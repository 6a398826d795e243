package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process we launched, as its public wrapper sees it: its port, pid and log, and a stop that runs once.
 * PostgreSQL and Redis differ only in how they are stopped.
 *
 * @param what    for the log, as in "Stopping Redis Sentinel pid 42"
 * @param command for the failure to stop, as in "redis-server --sentinel pid 42 did not stop"
 * @param closed  set by the first {@link #close()}, so that a second one does nothing
 */
record RunningServer(String what, String command, int port, Watchdog.Launched launched, Path logFile, Stop stop,
                     AtomicBoolean closed) {

    private static final Logger log = LoggerFactory.getLogger(RunningServer.class);

    /** Stops the server and its watchdog; true once the server is gone. */
    @FunctionalInterface
    interface Stop {
        boolean stop(Watchdog.Launched launched);
    }

    RunningServer(String what, String command, int port, Watchdog.Launched launched, Path logFile, Stop stop) {
        this(what, command, port, launched, logFile, stop, new AtomicBoolean());
    }

    long pid() {
        return launched.server().pid();
    }

    boolean isRunning() {
        return launched.server().isRunning();
    }

    /** Returns once the server and its watchdog have exited. Safe to call more than once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (isRunning()) {
            log.info("Stopping {} pid {}", what, pid());
        }
        if (!stop.stop(launched)) {
            throw EmbeddedServerException.withLog(command + " pid " + pid() + " did not stop", logFile);
        }
    }
}
