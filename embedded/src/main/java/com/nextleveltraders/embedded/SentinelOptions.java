package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run a local Redis Sentinel watching one master.
 *
 * @param baseDir         holds {@code sentinel.conf} (rewritten by Sentinel as it learns the topology, and
 *                        regenerated at each start) and {@code redis.pid}
 * @param logFile         server output is appended here
 * @param port            TCP port on 127.0.0.1, or 0 to pick a free one
 * @param watchPid        stop the sentinel when this process dies; 0 for none
 * @param masterName      the name clients ask the sentinel about
 * @param masterHost      where the master is now (the sentinel follows failovers from there on)
 * @param masterPort      its port
 * @param quorum          how many sentinels must agree the master is down before a failover starts
 * @param downAfter       how long the master may go unanswered before this sentinel considers it down
 * @param failoverTimeout Sentinel's failover-timeout: bounds a failover's steps, and a failed attempt is retried
 *                        after twice this
 * @param passwordFile    the data nodes' password, which the sentinel also requires from its own clients (sentinels
 *                        of one group authenticate to each other with it too); null means {@code baseDir/password}
 */
public record SentinelOptions(Path baseDir, Path logFile, int port, long watchPid, String masterName,
                              String masterHost, int masterPort, int quorum, Duration downAfter,
                              Duration failoverTimeout, Path passwordFile) {

    /** Sentinel master names go unquoted into sentinel.conf and commands. */
    static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public SentinelOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logFile, "logFile");
        Settings.port(port);
        Settings.watchPid(watchPid);
        requireMasterName(masterName);
        Objects.requireNonNull(masterHost, "masterHost");
        if (!masterHost.matches("[0-9.]+")) {
            throw new IllegalArgumentException("masterHost must be an IPv4 address, not '" + masterHost + "'");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("masterPort must be 1..65535, not " + masterPort);
        }
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1, not " + quorum);
        }
        requirePositiveMillis(downAfter, "downAfter");
        requirePositiveMillis(failoverTimeout, "failoverTimeout");
        passwordFile = passwordFile == null ? baseDir.resolve("password") : passwordFile;
    }

    /**
     * Log {@code baseDir/sentinel.log}, a free port, no watched process, quorum 1, down after 5 s, failover timeout
     * 60 s, password in {@code baseDir/password}.
     */
    public static SentinelOptions defaults(Path baseDir, String masterName, String masterHost, int masterPort) {
        return new SentinelOptions(baseDir, baseDir.resolve("sentinel.log"), 0, 0, masterName, masterHost, masterPort,
                1, Duration.ofSeconds(5), Duration.ofSeconds(60), null);
    }

    public SentinelOptions withPort(int port) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    public SentinelOptions withLogFile(Path logFile) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    public SentinelOptions withWatchPid(long watchPid) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    /** The same sentinel told that the master is now elsewhere (say, restarted after a failover). */
    public SentinelOptions withMaster(String masterHost, int masterPort) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    public SentinelOptions withQuorum(int quorum) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    public SentinelOptions withTimeouts(Duration downAfter, Duration failoverTimeout) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    public SentinelOptions withPasswordFile(Path passwordFile) {
        return new SentinelOptions(baseDir, logFile, port, watchPid, masterName, masterHost, masterPort, quorum,
                downAfter, failoverTimeout, passwordFile);
    }

    static String requireMasterName(String masterName) {
        Objects.requireNonNull(masterName, "masterName");
        if (!MASTER_NAME.matcher(masterName).matches()) {
            throw new IllegalArgumentException("masterName must be letters, digits, '.', '_' or '-' (at most 64), not '"
                    + masterName + "'");
        }
        return masterName;
    }

    static Duration requirePositiveMillis(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, not " + duration);
        }
        return duration;
    }
}
