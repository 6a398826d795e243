package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Sentinel ({@code redis-server sentinel.conf --sentinel}) watching one master: 127.0.0.1 only, the data
 * nodes' password required from clients too. With a {@code watchPid} it stops by itself when that process dies.
 */
public final class EmbeddedSentinel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSentinel.class);
    private static final Pattern MY_ID = Pattern.compile("(?m)^sentinel myid ([0-9a-f]{40})\\s*$");

    private final RunningServer process;

    private EmbeddedSentinel(RunningServer process) {
        this.process = process;
    }

    /** Writes {@code sentinel.conf} afresh and returns once the sentinel answers an authenticated PING. */
    public static EmbeddedSentinel start(SentinelOptions options) {
        Objects.requireNonNull(options, "options");
        Watchdog.requireWatchable(options.watchPid());
        Path baseDir = ServerDirectory.create(options.baseDir());
        Path logFile = LogFiles.prepare(options.logFile());
        String password = Passwords.loadOrCreate(options.passwordFile().toAbsolutePath().normalize());
        Path config = baseDir.resolve("sentinel.conf");
        Optional<String> myId = previousId(config);
        RedisServers.Started started = RedisServers.launch("Redis Sentinel", baseDir, config, List.of("--sentinel"),
                logFile, options.port(), options.watchPid(), password,
                port -> config(baseDir, port, password, myId, options));
        return new EmbeddedSentinel(RedisServers.running("Redis Sentinel", "redis-server --sentinel", baseDir,
                logFile, started));
    }

    /**
     * The config is regenerated at every start, since the data nodes may be on other ports than last time, and what
     * Sentinel learned then (replicas, other sentinels) it learns again within seconds. Only its id is carried over:
     * the other sentinels remember it, and a sentinel coming back under a new id at the same address would leave a
     * dead entry in their lists that still counts when they work out a majority for the next failover.
     */
    private static String config(Path baseDir, int port, String password, Optional<String> myId,
                                 SentinelOptions options) {
        String name = options.masterName();
        StringBuilder text = new StringBuilder("# Written by nlt-embedded at every start; Sentinel appends what it"
                + " learns.\n");
        text.append("port ").append(port).append('\n');
        text.append("bind 127.0.0.1\n");
        text.append("daemonize no\n");
        text.append("dir ").append(RedisServers.quote(baseDir.toString())).append('\n');
        text.append("logfile ").append(RedisServers.quote("")).append('\n');
        text.append("requirepass ").append(RedisServers.quote(password)).append('\n');
        myId.ifPresent(id -> text.append("sentinel myid ").append(id).append('\n'));
        text.append("sentinel monitor ").append(name).append(' ').append(options.masterHost()).append(' ')
                .append(options.masterPort()).append(' ').append(options.quorum()).append('\n');
        text.append("sentinel auth-pass ").append(name).append(' ').append(RedisServers.quote(password)).append('\n');
        text.append("sentinel down-after-milliseconds ").append(name).append(' ')
                .append(options.downAfter().toMillis()).append('\n');
        text.append("sentinel failover-timeout ").append(name).append(' ')
                .append(options.failoverTimeout().toMillis()).append('\n');
        text.append("sentinel parallel-syncs ").append(name).append(" 1\n");
        return text.toString();
    }

    private static Optional<String> previousId(Path config) {
        if (!Files.exists(config)) {
            return Optional.empty();
        }
        try {
            Matcher matcher = MY_ID.matcher(Files.readString(config));
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        } catch (IOException e) {
            log.warn("Could not read {} for the sentinel id; it gets a new one: {}", config, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Asks the sentinel at {@code host:port} where the master it knows as {@code masterName} is now
     * ({@code SENTINEL get-master-addr-by-name}); empty when it watches no master of that name. Throws
     * {@link EmbeddedServerException} when the sentinel cannot be reached or refuses.
     */
    public static Optional<RedisServerAddress> masterAddress(String host, int port, Path passwordFile, String masterName) {
        String password = Passwords.load(passwordFile);
        try (RespClient sentinel = RespClient.connect(host, port, password)) {
            return masterAddress(sentinel, masterName);
        } catch (IOException e) {
            throw new EmbeddedServerException("sentinel " + host + ":" + port + " did not say where master "
                    + masterName + " is: " + e.getMessage(), e);
        }
    }

    static Optional<RedisServerAddress> masterAddress(RespClient sentinel, String masterName) throws IOException {
        return toAddress(sentinel.list("SENTINEL", "get-master-addr-by-name", masterName));
    }

    private static Optional<RedisServerAddress> toAddress(List<Object> reply) throws IOException {
        if (reply == null) {
            return Optional.empty();
        }
        if (reply.size() != 2) {
            throw new IOException("unexpected reply to get-master-addr-by-name: " + reply);
        }
        try {
            return Optional.of(new RedisServerAddress(reply.get(0).toString(), Integer.parseInt(reply.get(1).toString())));
        } catch (IllegalArgumentException e) {
            throw new IOException("unexpected reply to get-master-addr-by-name: " + reply, e);
        }
    }

    public String host() {
        return RedisServers.HOST;
    }

    public int port() {
        return process.port();
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** False once the sentinel has exited, whether stopped or killed. */
    boolean isRunning() {
        return process.isRunning();
    }

    RunningServer process() {
        return process;
    }

    /** Stops the sentinel (SIGTERM) and returns once it and its watchdog have exited. Safe to call more than once. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "EmbeddedSentinel[" + RedisServers.HOST + ":" + port() + ", pid " + pid() + "]";
    }
}
