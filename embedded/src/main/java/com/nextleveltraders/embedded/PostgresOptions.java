package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to run a local PostgreSQL.
 *
 * @param baseDir  holds the cluster ({@code pgdata}) and the generated {@code password}; reused across runs
 * @param logFile  server output is appended here
 * @param port     TCP port on 127.0.0.1, or 0 to pick a free one
 * @param database created on first start, owned by {@code user}
 * @param user     superuser created on first start (password in {@code baseDir/password})
 * @param watchPid stop the server when this process dies; 0 for none
 * @param settings extra postgresql.conf parameters passed as {@code -c name=value}; they override the defaults
 *                 (shared_buffers, max_connections, ...) but not port, listen_addresses or data_directory
 */
public record PostgresOptions(Path baseDir, Path logFile, int port, String database, String user, long watchPid,
                              Map<String, String> settings) {

    /**
     * The replicas a commit waits for. Written into postgresql.conf rather than on the command line, so that
     * {@code ALTER SYSTEM} can lift and restore it while the server runs; every start writes it afresh.
     */
    public static final String SYNCHRONOUS_STANDBY_NAMES = "synchronous_standby_names";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern SETTING = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Set<String> MANAGED = Set.of("port", "listen_addresses", "data_directory", "config_file",
            "hba_file", "ident_file");

    public PostgresOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logFile, "logFile");
        Settings.port(port);
        Settings.watchPid(watchPid);
        requireIdentifier(database, "database");
        requireIdentifier(user, "user");
        settings = Settings.copy(settings, SETTING, MANAGED, "PostgreSQL");
    }

    /** Database and user {@code nlt}, log {@code baseDir/postgres.log}, a free port, no watched process. */
    public static PostgresOptions defaults(Path baseDir) {
        return new PostgresOptions(baseDir, baseDir.resolve("postgres.log"), 0, "nlt", "nlt", 0, Map.of());
    }

    public PostgresOptions withPort(int port) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    public PostgresOptions withWatchPid(long watchPid) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    public PostgresOptions withLogFile(Path logFile) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    public PostgresOptions withDatabase(String database) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    public PostgresOptions withUser(String user) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    public PostgresOptions withSettings(Map<String, String> settings) {
        return new PostgresOptions(baseDir, logFile, port, database, user, watchPid, settings);
    }

    /**
     * These options with every commit waiting for the replica whose application name (its slot,
     * {@link ReplicaOptions#slot()}) is {@code replica}, as far as {@code synchronousCommit} says ({@code remote_apply},
     * {@code on}, {@code remote_write}); {@code local} or {@code off} leave commits asynchronous.
     */
    public PostgresOptions withSynchronousReplica(String replica, String synchronousCommit) {
        requireIdentifier(replica, "replica");
        Map<String, String> with = new TreeMap<>(settings);
        with.put("synchronous_commit", synchronousCommit);
        if (synchronousCommit.equals("remote_apply") || synchronousCommit.equals("on")
                || synchronousCommit.equals("remote_write")) {
            with.put(SYNCHRONOUS_STANDBY_NAMES, "ANY 1 (" + replica + ")");
        } else {
            with.remove(SYNCHRONOUS_STANDBY_NAMES);
        }
        return withSettings(with);
    }

    private static void requireIdentifier(String value, String what) {
        Objects.requireNonNull(value, what);
        // Kept to plain identifiers: they end up in initdb arguments, SQL and JDBC URLs without any quoting surprises.
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most "
                    + "63 characters), not '" + value + "'");
        }
    }
}
