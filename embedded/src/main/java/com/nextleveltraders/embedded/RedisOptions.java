package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run a local Redis.
 *
 * @param baseDir  the Redis {@code dir}: append-only file, snapshots, {@code redis.conf}, {@code redis.pid} and the
 *                 generated {@code password}; reused across runs
 * @param logFile  server output is appended here
 * @param port     TCP port on 127.0.0.1, or 0 to pick a free one
 * @param watchPid stop the server when this process dies; 0 for none
 * @param settings extra redis.conf directives, written verbatim as {@code name value} lines after the defaults
 *                 (so {@code appendfsync always} overrides); port, requirepass, dir, daemonize and logfile are managed
 */
public record RedisOptions(Path baseDir, Path logFile, int port, long watchPid, Map<String, String> settings) {

    private static final Pattern SETTING = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Set<String> MANAGED = Set.of("port", "requirepass", "dir", "daemonize", "logfile",
            "include", "pidfile");

    public RedisOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logFile, "logFile");
        Settings.port(port);
        Settings.watchPid(watchPid);
        settings = Settings.copy(settings, SETTING, MANAGED, "Redis");
    }

    /** Log {@code baseDir/redis.log}, a free port, no watched process. */
    public static RedisOptions defaults(Path baseDir) {
        return new RedisOptions(baseDir, baseDir.resolve("redis.log"), 0, 0, Map.of());
    }

    public RedisOptions withPort(int port) {
        return new RedisOptions(baseDir, logFile, port, watchPid, settings);
    }

    public RedisOptions withWatchPid(long watchPid) {
        return new RedisOptions(baseDir, logFile, port, watchPid, settings);
    }

    public RedisOptions withLogFile(Path logFile) {
        return new RedisOptions(baseDir, logFile, port, watchPid, settings);
    }

    public RedisOptions withSettings(Map<String, String> settings) {
        return new RedisOptions(baseDir, logFile, port, watchPid, settings);
    }
}
