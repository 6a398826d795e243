package com.nextleveltraders.embedded;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run a local streaming replica (hot standby) of a PostgreSQL primary.
 *
 * @param baseDir             holds the standby's data directory ({@code pgdata}), a copy of the primary's password and
 *                            the passfile the standby connects with; reused across runs
 * @param logFile             server and pg_basebackup output is appended here
 * @param port                TCP port on 127.0.0.1, or 0 to pick a free one
 * @param watchPid            stop the server when this process dies; 0 for none
 * @param slot                the physical replication slot on the primary that keeps the WAL this replica still needs;
 *                            must be unique among the primary's replicas (lower-case letters, digits, underscores)
 * @param primaryHost         where the primary listens
 * @param primaryPort         the primary's current port; it may differ from run to run, it is passed on each start
 * @param primaryUser         the primary's superuser, which replicates (it has the REPLICATION attribute)
 * @param primaryPasswordFile the primary's 0600 password file; read, never changed
 * @param settings            extra postgresql.conf parameters, as for {@link PostgresOptions}. A hot standby refuses to
 *                            start with max_connections (and a few others) below its primary's, so {@link #of} copies
 *                            the primary's settings
 */
public record ReplicaOptions(Path baseDir, Path logFile, int port, long watchPid, String slot, String primaryHost,
                             int primaryPort, String primaryUser, Path primaryPasswordFile,
                             Map<String, String> settings) {

    /** PostgreSQL's rule for replication slot names. */
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-]+");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern SETTING = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Set<String> MANAGED = Set.of("port", "listen_addresses", "data_directory", "config_file",
            "hba_file", "ident_file", "primary_conninfo", "primary_slot_name", "hot_standby");

    public ReplicaOptions {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(primaryPasswordFile, "primaryPasswordFile");
        Settings.port(port);
        Settings.watchPid(watchPid);
        Objects.requireNonNull(slot, "slot");
        if (!SLOT.matcher(slot).matches()) {
            throw new IllegalArgumentException("slot must be 1 to 63 lower-case letters, digits or underscores, not '"
                    + slot + "'");
        }
        Objects.requireNonNull(primaryHost, "primaryHost");
        // It goes into a conninfo string: a plain host name or address leaves nothing to quote.
        if (!HOST.matcher(primaryHost).matches()) {
            throw new IllegalArgumentException("primaryHost must be a host name or IP address, not '" + primaryHost
                    + "'");
        }
        if (primaryPort < 1 || primaryPort > 65535) {
            throw new IllegalArgumentException("primaryPort must be 1..65535, not " + primaryPort);
        }
        Objects.requireNonNull(primaryUser, "primaryUser");
        if (!IDENTIFIER.matcher(primaryUser).matches()) {
            throw new IllegalArgumentException("primaryUser must be a plain identifier, not '" + primaryUser + "'");
        }
        settings = Settings.copy(settings, SETTING, MANAGED, "PostgreSQL replica");
    }

    /**
     * A replica of {@code primary} as it runs now: log {@code baseDir/postgres.log}, a free port, no watched process,
     * the slot named after the base directory (e.g. {@code shard-1-replica} gives {@code shard_1_replica}) and the
     * primary's settings.
     */
    public static ReplicaOptions of(Path baseDir, EmbeddedPostgres primary) {
        Objects.requireNonNull(primary, "primary");
        return new ReplicaOptions(baseDir, baseDir.resolve("postgres.log"), 0, 0, slotFor(baseDir), primary.host(),
                primary.port(), primary.user(), primary.passwordFile(), primary.settings());
    }

    /**
     * A valid slot name derived from the directory's name: the slot {@link #of} gives a replica in {@code baseDir},
     * which is also its {@code application_name} on the primary.
     */
    public static String slotFor(Path baseDir) {
        Path name = baseDir.toAbsolutePath().normalize().getFileName();
        String slot = (name == null ? "" : name.toString()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        slot = slot.isEmpty() ? "replica" : slot;
        return slot.length() > 63 ? slot.substring(0, 63) : slot;
    }

    public ReplicaOptions withPort(int port) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }

    public ReplicaOptions withWatchPid(long watchPid) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }

    public ReplicaOptions withLogFile(Path logFile) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }

    public ReplicaOptions withSlot(String slot) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }

    /** Points the replica at the primary's address and credentials (e.g. after the primary moved to another port). */
    public ReplicaOptions withPrimary(String primaryHost, int primaryPort, String primaryUser,
                                      Path primaryPasswordFile) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }

    public ReplicaOptions withSettings(Map<String, String> settings) {
        return new ReplicaOptions(baseDir, logFile, port, watchPid, slot, primaryHost, primaryPort, primaryUser,
                primaryPasswordFile, settings);
    }
}
