package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the Redis cluster and the Sentinel group share as sets of servers: one directory, log directory and password
 * for all of them; a start that fails stops whatever it started; a stop that fails for one server still stops the
 * others.
 */
final class ServerSet {

    /** The directories (absolute, created) and the password every server of the set uses. */
    record Layout(Path baseDir, Path logDir, Path passwordFile, String password) {
    }

    /** The set's own start, run by {@link #startOrClose}. */
    @FunctionalInterface
    interface Start {
        void run();
    }

    private ServerSet() {
    }

    static Layout prepare(Path baseDir, Path logDir, long watchPid) {
        Watchdog.requireWatchable(watchPid);
        Path base = ServerDirectory.create(baseDir);
        Path logs = ServerDirectory.create(logDir);
        Path passwordFile = base.resolve("password");
        return new Layout(base, logs, passwordFile, Passwords.loadOrCreate(passwordFile));
    }

    /** Runs {@code start}; if it fails, closes {@code set} (stopping what did start) and rethrows. */
    static <T extends AutoCloseable> T startOrClose(T set, Start start) {
        try {
            start.run();
        } catch (RuntimeException e) {
            try {
                set.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return set;
    }

    /**
     * Server {@code index} (0-based) of {@code servers}, which is to be started again: only once it exited or was
     * killed, since a second one on its port and files would fail or, worse, not.
     */
    static <T> T requireStopped(List<T> servers, int index, String what, Function<T, RunningServer> process) {
        T old = servers.get(Objects.checkIndex(index, servers.size()));
        RunningServer server = process.apply(old);
        if (server.isRunning()) {
            throw new IllegalStateException(what + " " + (index + 1) + " (pid " + server.pid() + ") is still running");
        }
        return old;
    }

    /** Closes every server in order; the first failure is thrown after all were tried, with the others suppressed. */
    static void closeAll(List<? extends AutoCloseable> servers) {
        RuntimeException failure = null;
        for (AutoCloseable server : servers) {
            try {
                server.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r
                        : new EmbeddedServerException("cannot stop " + server, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
