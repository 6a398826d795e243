package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A real redis-server process for local runs and integration tests: 127.0.0.1 only, password required, data persisted
 * in {@code baseDir} through the append-only file. With a {@code watchPid} the server stops by itself within seconds of
 * that process dying.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final RunningServer process;
    private final Path passwordFile;

    private EmbeddedRedis(RunningServer process, Path passwordFile) {
        this.process = process;
        this.passwordFile = passwordFile;
    }

    /** Starts redis-server from a config file written into {@code baseDir} and returns once it answers PING. */
    public static EmbeddedRedis start(RedisServerOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = ServerDirectory.create(options.baseDir());
        Path logFile = LogFiles.prepare(options.logFile());
        Path passwordFile = options.passwordFile().toAbsolutePath().normalize();
        String password = Passwords.loadOrCreate(passwordFile);
        RedisServers.Started started = RedisServers.launch("Redis", baseDir, baseDir.resolve("redis.conf"), List.of(),
                logFile, options.port(), options.watchPid(), password,
                port -> config(baseDir, port, password, options.settings()));
        return new EmbeddedRedis(RedisServers.running("Redis", "redis-server", baseDir, logFile, started),
                passwordFile);
    }

    /**
     * Defaults first, then the caller's settings replacing them by name (Redis directive names ignore case).
     * {@code masterauth} is always the node's own password: replicas need it to sync from a master sharing the
     * password file, and it does nothing on a node that replicates from nobody.
     */
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
        directives.put("dir", RedisServers.quote(baseDir.toString()));
        directives.put("logfile", RedisServers.quote("")); // stdout, which the watchdog appends to the log file
        directives.put("requirepass", RedisServers.quote(password));
        directives.put("masterauth", RedisServers.quote(password));
        StringBuilder text = new StringBuilder("# Written by nlt-embedded at every start; use RedisServerOptions.settings"
                + " to change it.\n");
        directives.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
        return text.toString();
    }

    public String host() {
        return RedisServers.HOST;
    }

    public int port() {
        return process.port();
    }

    /** The 0600 file holding the password (one line) that {@code AUTH} needs. */
    public Path passwordFile() {
        return passwordFile;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** False once the server has exited, whether stopped or killed. */
    boolean isRunning() {
        return process.isRunning();
    }

    RunningServer process() {
        return process;
    }

    /** Stops the server (SIGTERM) and returns once it and its watchdog have exited. Safe to call more than once. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "EmbeddedRedis[" + RedisServers.HOST + ":" + port() + ", pid " + pid() + "]";
    }
}
