package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One redis-server we launched, data node or sentinel, as its public wrapper sees it: where it runs and its stop. */
final class RedisProcess {

    private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);

    private final String what;
    private final String command;
    private final Path baseDir;
    private final Path logFile;
    private final RedisServers.Started started;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param what    for the log, as in "Stopping Redis Sentinel pid 42"
     * @param command for the failure, the command line as {@code ps} shows it
     */
    RedisProcess(String what, String command, Path baseDir, Path logFile, RedisServers.Started started) {
        this.what = what;
        this.command = command;
        this.baseDir = baseDir;
        this.logFile = logFile;
        this.started = started;
    }

    int port() {
        return started.port();
    }

    long pid() {
        return started.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isRunning() {
        return started.launched().server().isRunning();
    }

    /** Stops the server (SIGTERM) and returns once it and its watchdog have exited. Safe to call more than once. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (isRunning()) {
            log.info("Stopping {} pid {}", what, pid());
        }
        if (!RedisServers.stop(baseDir, started.launched(), RedisServers.STOP_TIMEOUT)) {
            throw EmbeddedServerException.withLog(command + " pid " + pid() + " did not stop", logFile);
        }
    }

    /** {@code Type[127.0.0.1:port, pid n]}. */
    String describe(String type) {
        return type + "[" + RedisServers.HOST + ":" + port() + ", pid " + pid() + "]";
    }
}
