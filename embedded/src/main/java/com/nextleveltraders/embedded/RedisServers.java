package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every redis-server we run shares, data node or sentinel: one config file per directory, the watchdog, a pid
 * file to find strays, an authenticated PING as the readiness test and SIGTERM to stop.
 */
final class RedisServers {

    static final String HOST = "127.0.0.1";
    /** Generous because a large append-only file is replayed before Redis answers. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TERM_REPEAT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RedisServers.class);
    private static final int PORT_ATTEMPTS = 3;
    private static final String PID_FILE = "redis.pid";
    /*
     * CONFIG REWRITE (which Sentinel runs on itself and, after a failover, on the data nodes) replaces the config file
     * with a new one created under the process umask, usually 0644, and the file holds the password. Under umask 077
     * the rewritten file stays private, and so do the data files.
     */
    private static final String PRIVATE_FILES = "umask 077 && exec \"$0\" \"$@\"";

    /** A server that answered PING on {@code port}. */
    record Started(int port, Watchdog.Launched launched) {

        long pid() {
            return launched.server().pid();
        }
    }

    private RedisServers() {
    }

    /**
     * Writes the config for the port (0600: it holds the password, which never goes on the command line, where ps
     * would show it), starts {@code redis-server config extraArgs...} under the watchdog in {@code baseDir} and waits
     * for an authenticated PONG. With {@code requestedPort} 0 a free port is picked, and another one if the server lost
     * the race for it.
     */
    static Started launch(String what, Path baseDir, Path config, List<String> extraArgs, Path logFile,
                          int requestedPort, long watchPid, String password, IntFunction<String> configForPort) {
        Path binary = RedisBinary.resolve();
        stopStale(baseDir);
        for (int attempt = 1; ; attempt++) {
            int port = requestedPort == 0 ? FreePorts.pick() : requestedPort;
            Passwords.writeOwnerOnly(config, configForPort.apply(port));
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", PRIVATE_FILES, binary.toString(),
                    config.toString()));
            command.addAll(extraArgs);
            long logOffset = LogFiles.size(logFile);
            Watchdog.Launched launched = Watchdog.launch(command, watchPid, "TERM", "KILL", logFile, baseDir,
                    env -> { });
            writePidFile(baseDir, launched.server().pid());
            try {
                awaitReady(what, launched.server(), port, password, logFile);
            } catch (EmbeddedServerException e) {
                stop(baseDir, launched, Duration.ofSeconds(10));
                if (requestedPort == 0 && attempt < PORT_ATTEMPTS
                        && LogFiles.since(logFile, logOffset).contains("Address already in use")) {
                    log.info("Port {} was taken before {} could bind it; trying another", port, what);
                    continue;
                }
                throw e;
            }
            log.info("{} ({}) ready on {}:{}, pid {}, dir {}", what, binary, HOST, port, launched.server().pid(),
                    baseDir);
            return new Started(port, launched);
        }
    }

    /**
     * A redis-server left over from a previous run on this directory (say its launcher was killed without a watched
     * pid) would hold the files and maybe the port: stop it. The pid file alone is not trusted, because pids get
     * reused; it must also be a redis-server working in this directory (Redis chdirs to its {@code dir}).
     */
    static void stopStale(Path baseDir) {
        Path pidFile = baseDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            pid = -1;
        }
        Path realBase = Procs.realPath(baseDir);
        if (Procs.isRunning(pid) && Procs.comm(pid).startsWith("redis-server")
                && Procs.cwd(pid).map(realBase::equals).orElse(false)) {
            log.warn("Stopping redis-server pid {} left running on {}", pid, baseDir);
            ServerProcess stale = ServerProcess.of(pid);
            stale.signal("TERM");
            if (!stale.awaitExit(STOP_TIMEOUT)) {
                throw new EmbeddedServerException("redis-server pid " + pid + " still runs on " + baseDir + " "
                        + STOP_TIMEOUT.toSeconds() + " s after SIGTERM");
            }
        }
        deletePidFile(baseDir);
    }

    private static void awaitReady(String what, ServerProcess server, int port, String password, Path logFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastReply = "no connection";
        while (true) {
            if (!server.isRunning()) {
                throw EmbeddedServerException.withLog(what + " (pid " + server.pid() + ") exited during startup",
                        logFile);
            }
            try {
                // Authenticated PING: proves the server on the port is the one with our password, and done loading.
                lastReply = WireProbes.redisPing(HOST, port, password);
                if (lastReply.equals("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                lastReply = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw EmbeddedServerException.withLog(what + " (pid " + server.pid() + ") did not answer PING"
                        + " within " + READY_TIMEOUT.toSeconds() + " s (last reply: " + lastReply + ")", logFile);
            }
            Procs.pause(50);
        }
    }

    private static void writePidFile(Path baseDir, long pid) {
        try {
            Files.writeString(baseDir.resolve(PID_FILE), pid + "\n");
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot write " + baseDir.resolve(PID_FILE), e);
        }
    }

    private static void deletePidFile(Path baseDir) {
        try {
            Files.deleteIfExists(baseDir.resolve(PID_FILE));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", baseDir.resolve(PID_FILE), e.toString());
        }
    }

    /**
     * SIGTERM makes Redis flush the append-only file and exit. But Redis turns a SIGTERM down while it cannot exit
     * safely, for one while a replica writes its first append-only file after a full sync ("Writing initial AOF,
     * can't exit"), and does not try again by itself: so we ask again every second until {@code grace} runs out,
     * then kill it. True once the server is gone.
     */
    static boolean stop(Path baseDir, Watchdog.Launched launched, Duration grace) {
        ServerProcess server = launched.server();
        long deadline = System.nanoTime() + grace.toNanos();
        boolean stopped = !server.isRunning();
        while (!stopped && deadline - System.nanoTime() > 0) {
            server.signal("TERM");
            long remaining = Math.max(0, deadline - System.nanoTime());
            stopped = server.awaitExit(Duration.ofNanos(Math.min(remaining, TERM_REPEAT.toNanos())));
        }
        if (!stopped) {
            log.warn("redis-server pid {} did not stop within {} s of SIGTERM; killing it", server.pid(),
                    grace.toSeconds());
            stopped = server.stop("KILL", Duration.ofSeconds(10), "KILL");
        }
        launched.awaitWrapperExit();
        if (stopped) {
            deletePidFile(baseDir);
        }
        return stopped;
    }

    /** The handle on a started server that its public wrapper keeps: SIGTERM, repeated, to stop it. */
    static RunningServer running(String what, String command, Path baseDir, Path logFile, Started started) {
        return new RunningServer(what, command, started.port(), started.launched(), logFile,
                launched -> stop(baseDir, launched, STOP_TIMEOUT));
    }

    /** A Redis config string literal. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
