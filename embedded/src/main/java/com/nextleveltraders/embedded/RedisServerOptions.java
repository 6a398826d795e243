package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run a local Redis.
 *
 * @param baseDir      the Redis {@code dir}: append-only file, snapshots, {@code redis.conf} and {@code redis.pid};
 *                     reused across runs
 * @param logFile      server output is appended here
 * @param port         TCP port on 127.0.0.1, or 0 to pick a free one
 * @param watchPid     stop the server when this process dies; 0 for none
 * @param settings     extra redis.conf directives, written verbatim as {@code name value} lines after the defaults
 *                     (so {@code appendfsync always} overrides); port, requirepass, masterauth, dir, daemonize and
 *                     logfile are managed
 * @param passwordFile the 0600 file holding the password, generated if missing; null means {@code baseDir/password}.
 *                     Nodes that replicate from each other share one, since it is both their requirepass and their
 *                     masterauth
 */
public record RedisServerOptions(Path baseDir, Path logFile, int port, long watchPid, Map<String, String> settings,
                           Path passwordFile) {

    /** Redis directive names as redis.conf accepts them. */
    static final Pattern SETTING = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    static final Set<String> MANAGED = Set.of("port", "requirepass", "masterauth", "dir", "daemonize", "logfile",
            "include", "pidfile");

    public RedisServerOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logFile, "logFile");
        Settings.port(port);
        Settings.watchPid(watchPid);
        settings = Settings.copy(settings, SETTING, MANAGED, "Redis");
        passwordFile = passwordFile == null ? baseDir.resolve("password") : passwordFile;
    }

    /** The password in {@code baseDir/password}. */
    public RedisServerOptions(Path baseDir, Path logFile, int port, long watchPid, Map<String, String> settings) {
        this(baseDir, logFile, port, watchPid, settings, null);
    }

    /** Log {@code baseDir/redis.log}, a free port, no watched process, password in {@code baseDir/password}. */
    public static RedisServerOptions defaults(Path baseDir) {
        return new RedisServerOptions(baseDir, baseDir.resolve("redis.log"), 0, 0, Map.of(), null);
    }

    public RedisServerOptions withPort(int port) {
        return new RedisServerOptions(baseDir, logFile, port, watchPid, settings, passwordFile);
    }

    public RedisServerOptions withWatchPid(long watchPid) {
        return new RedisServerOptions(baseDir, logFile, port, watchPid, settings, passwordFile);
    }

    public RedisServerOptions withLogFile(Path logFile) {
        return new RedisServerOptions(baseDir, logFile, port, watchPid, settings, passwordFile);
    }

    public RedisServerOptions withSettings(Map<String, String> settings) {
        return new RedisServerOptions(baseDir, logFile, port, watchPid, settings, passwordFile);
    }

    /** Several nodes given the same file share one password. */
    public RedisServerOptions withPasswordFile(Path passwordFile) {
        return new RedisServerOptions(baseDir, logFile, port, watchPid, settings, passwordFile);
    }
}
