package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real redis-server process for local runs and integration tests: 127.0.0.1 only, password required, data persisted
 * in {@code baseDir} through the append-only file. With a {@code watchPid} the server stops by itself within seconds of
 * that process dying.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final String HOST = "127.0.0.1";
    /** Generous because a large append-only file is replayed before Redis answers. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private final Path baseDir;
    private final Path logFile;
    private final int port;
    private final Watchdog.Launched launched;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRedis(Path baseDir, Path logFile, int port, Watchdog.Launched launched) {
        this.baseDir = baseDir;
        this.logFile = logFile;
        this.port = port;
        this.launched = launched;
    }

    /** Starts redis-server from a config file written into {@code baseDir} and returns once it answers PING. */
    public static EmbeddedRedis start(RedisOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = options.baseDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(baseDir);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create " + baseDir, e);
        }
        Path logFile = LogFiles.prepare(options.logFile());
        String password = Passwords.loadOrCreate(baseDir.resolve("password"));
        Path binary = RedisBinary.resolve();
        stopStaleServer(baseDir);

        for (int attempt = 1; ; attempt++) {
            int port = options.port() == 0 ? FreePorts.pick() : options.port();
            Path config = baseDir.resolve("redis.conf");
            // The password lives in this 0600 file, never on the command line, where ps would show it.
            Passwords.writeOwnerOnly(config, config(baseDir, port, password, options.settings()));
            long logOffset = LogFiles.size(logFile);
            Watchdog.Launched launched = Watchdog.launch(List.of(binary.toString(), config.toString()),
                    options.watchPid(), "TERM", "KILL", logFile, baseDir, env -> { });
            writePidFile(baseDir, launched.server().pid());
            try {
                awaitReady(launched.server(), port, password, logFile);
            } catch (EmbeddedServerException e) {
                stop(baseDir, launched, Duration.ofSeconds(10));
                if (options.port() == 0 && attempt < PORT_ATTEMPTS
                        && LogFiles.since(logFile, logOffset).contains("Address already in use")) {
                    log.info("Port {} was taken before Redis could bind it; trying another", port);
                    continue;
                }
                throw e;
            }
            log.info("Redis ({}) ready on {}:{}, pid {}, dir {}", binary, HOST, port, launched.server().pid(), baseDir);
            return new EmbeddedRedis(baseDir, logFile, port, launched);
        }
    }

    /** Defaults first, then the caller's settings replacing them by name (Redis directive names ignore case). */
    private static String config(Path baseDir, int port, String password, Map<String, String> settings) {
        Map<String, String> directives = new LinkedHashMap<>();
        directives.put("bind", "127.0.0.1");
        directives.put("protected-mode", "yes");
        directives.put("appendonly", "yes");
        directives.put("appendfsync", "everysec");
        directives.put("always-show-logo", "no");
        settings.forEach((name, value) -> directives.put(name.toLowerCase(Locale.ROOT), value));
        directives.put("port", Integer.toString(port));
        directives.put("daemonize", "no");
        directives.put("dir", quote(baseDir.toString()));
        directives.put("logfile", quote("")); // stdout, which the watchdog appends to the log file
        directives.put("requirepass", quote(password));
        StringBuilder text = new StringBuilder("# Written by nlt-embedded at every start; use RedisOptions.settings"
                + " to change it.\n");
        directives.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
        return text.toString();
    }

    /** A Redis config string literal. */
    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * A redis-server left over from a previous run on this directory (say its launcher was killed without a watched
     * pid) would hold the files and maybe the port: stop it. The pid file alone is not trusted, because pids get
     * reused; it must also be a redis-server working in this directory (Redis chdirs to its {@code dir}).
     */
    private static void stopStaleServer(Path baseDir) {
        Path pidFile = baseDir.resolve("redis.pid");
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

    private static void awaitReady(ServerProcess server, int port, String password, Path logFile) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastReply = "no connection";
        while (true) {
            if (!server.isRunning()) {
                throw EmbeddedServerException.withLog("redis-server (pid " + server.pid() + ") exited during startup",
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
                throw EmbeddedServerException.withLog("redis-server (pid " + server.pid() + ") did not answer PING"
                        + " within " + READY_TIMEOUT.toSeconds() + " s (last reply: " + lastReply + ")", logFile);
            }
            Procs.pause(50);
        }
    }

    private static void writePidFile(Path baseDir, long pid) {
        try {
            Files.writeString(baseDir.resolve("redis.pid"), pid + "\n");
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot write " + baseDir.resolve("redis.pid"), e);
        }
    }

    private static void deletePidFile(Path baseDir) {
        try {
            Files.deleteIfExists(baseDir.resolve("redis.pid"));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", baseDir.resolve("redis.pid"), e.toString());
        }
    }

    /** SIGTERM makes Redis flush the append-only file and exit. */
    private static boolean stop(Path baseDir, Watchdog.Launched launched, Duration grace) {
        boolean stopped = launched.server().stop("TERM", grace, "KILL");
        launched.awaitWrapperExit();
        if (stopped) {
            deletePidFile(baseDir);
        }
        return stopped;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The 0600 file holding the password (one line) that {@code AUTH} needs. */
    public Path passwordFile() {
        return baseDir.resolve("password");
    }

    public long pid() {
        return launched.server().pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** Stops the server (SIGTERM) and returns once it and its watchdog have exited. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (launched.server().isRunning()) {
            log.info("Stopping Redis pid {}", pid());
        }
        if (!stop(baseDir, launched, STOP_TIMEOUT)) {
            throw EmbeddedServerException.withLog("redis-server pid " + pid() + " did not stop", logFile);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRedis[" + HOST + ":" + port + ", pid " + pid() + "]";
    }
}
