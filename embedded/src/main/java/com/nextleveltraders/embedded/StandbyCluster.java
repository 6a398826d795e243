package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk side of a streaming replica: its data directory, copied once from the running primary with
 * pg_basebackup, and the credentials it connects to the primary with.
 */
final class StandbyCluster {

    private static final Logger log = LoggerFactory.getLogger(StandbyCluster.class);
    /** Copying a grown shard over loopback takes a while; this only catches a pg_basebackup that hangs. */
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);
    private static final String SIGNAL = "standby.signal";

    private final Path baseDir;
    private final Path dataDir;
    private final Path passwordFile;
    private final Path passfile;
    private final Path logFile;
    private final PostgresBinaries binaries;
    private final ServerUser user;

    StandbyCluster(PostgresCluster cluster, Path baseDir, PostgresBinaries binaries, ServerUser user, Path logFile) {
        this.baseDir = baseDir;
        this.dataDir = cluster.dataDir();
        this.passwordFile = cluster.passwordFile();
        this.passfile = baseDir.resolve("replication.pgpass");
        this.logFile = logFile;
        this.binaries = binaries;
        this.user = user;
    }

    /**
     * True when the data directory exists, i.e. this is a later start. It must still be a standby: one that was
     * promoted (or any primary's directory) would start as a second, diverging primary.
     */
    boolean exists() {
        if (!Files.isDirectory(dataDir)) {
            return false;
        }
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            throw new EmbeddedServerException(dataDir + " exists but is not a PostgreSQL data directory");
        }
        if (!Files.exists(dataDir.resolve(SIGNAL))) {
            throw new EmbeddedServerException(dataDir + " is not a standby (it has no " + SIGNAL + "; was it "
                    + "promoted?); delete it to copy the primary afresh");
        }
        return true;
    }

    /**
     * pg_basebackup, which a first start needs. Making the copy without it would take a SQL client (to create the slot
     * and bracket the file copy with pg_backup_start/pg_backup_stop), which this module deliberately does not have.
     */
    Path requireBaseBackupTool() {
        return binaries.pgBasebackup().orElseThrow(() -> new EmbeddedServerException("a streaming replica's first "
                + "start copies the primary with pg_basebackup, which " + binaries.origin() + " does not include ("
                + binaries.binDir() + " has no pg_basebackup); install the system PostgreSQL server package (e.g. "
                + "postgresql-15) so that its binaries are used, or set -D" + PostgresBinaries.PROPERTY + "=system"));
    }

    /**
     * Writes the primary's password twice, both 0600: {@code password} for our clients (the replica is a physical copy,
     * so the same superuser password works on it), and a libpq passfile owned by the server user, which pg_basebackup
     * and the standby's WAL receiver read. Neither the password nor the passfile's content ever reaches a command
     * line or the server configuration; the conninfo only names the file.
     */
    void writeCredentials(String primaryUser, String password) {
        Passwords.writeOwnerOnly(passwordFile, password + "\n");
        Passwords.writeOwnerOnly(passfile, "*:*:*:" + passfileField(primaryUser) + ":" + passfileField(password)
                + "\n");
        user.own(passfile);
    }

    /**
     * Copies the primary into {@code pgdata}: pg_basebackup into a staging directory, streaming the WAL written
     * meanwhile (-X stream) and creating the physical replication slot (-C -S) from which the standby will go on
     * streaming, so the primary keeps every WAL segment the standby has not received yet, even while it is down.
     * Then standby.signal, and a rename into place, so {@code pgdata} always means "a complete standby".
     */
    void copyFromPrimary(ReplicaOptions options, Path pgBasebackup) {
        log.info("Copying PostgreSQL primary {}:{} into {} with pg_basebackup (replication slot {})",
                options.primaryHost(), options.primaryPort(), dataDir, options.slot());
        Path staging = baseDir.resolve("pgdata.copy");
        long offset = LogFiles.size(logFile);
        int exit = runBaseBackup(pgBasebackup, staging, options, true);
        if (exit != 0 && LogFiles.since(logFile, offset).contains(
                "replication slot \"" + options.slot() + "\" already exists")) {
            // Left by an earlier copy of this replica whose data was deleted, or by a first start that failed after
            // the slot was made. Taking it over is safe: it only makes the primary keep older WAL until we stream.
            log.info("Replication slot {} already exists on the primary; reusing it", options.slot());
            exit = runBaseBackup(pgBasebackup, staging, options, false);
        }
        if (exit != 0) {
            CacheDir.deleteTree(staging);
            throw EmbeddedServerException.withLog("pg_basebackup from " + options.primaryHost() + ":"
                    + options.primaryPort() + " failed with exit code " + exit, logFile);
        }
        try {
            Path signal = Files.createFile(staging.resolve(SIGNAL));
            user.own(signal);
            Files.move(staging, dataDir, StandardCopyOption.ATOMIC_MOVE);
            Passwords.syncDirectory(baseDir);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot move the copied cluster from " + staging + " to " + dataDir, e);
        }
    }

    private int runBaseBackup(Path pgBasebackup, Path staging, ReplicaOptions options, boolean createSlot) {
        CacheDir.deleteTree(staging);
        try {
            Files.createDirectory(staging,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create " + staging, e);
        }
        user.own(staging);
        List<String> command = new ArrayList<>(user.command(pgBasebackup.toString(), "-D", staging.toString(),
                "-h", options.primaryHost(), "-p", Integer.toString(options.primaryPort()),
                "-U", options.primaryUser(), "--no-password", "-X", "stream", "-S", options.slot(),
                // A fast checkpoint starts the copy at once instead of after a spread-out one (minutes).
                "--checkpoint=fast", "--label=nlt replica " + options.slot()));
        if (createSlot) {
            command.add("-C");
        }
        return Commands.logged("pg_basebackup", command, null, env -> {
            PostgresCluster.environment(env);
            env.put("PGPASSFILE", passfile.toString());
        }, logFile, COPY_TIMEOUT);
    }

    /**
     * What makes the server a replica of this primary. Given on the command line at every start, not written into the
     * data directory, because the primary's port may change between runs.
     */
    Map<String, String> serverSettings(ReplicaOptions options) {
        Map<String, String> settings = new LinkedHashMap<>(options.settings());
        // Copied from the primary, where they name this replica: a standby ignores them, but promoted it would
        // wait for a replica of that name, itself. Whoever promotes it names its own replica.
        settings.remove(PostgresOptions.SYNCHRONOUS_STANDBY_NAMES);
        settings.put("primary_conninfo", "host=" + options.primaryHost() + " port=" + options.primaryPort()
                + " user=" + options.primaryUser() + " passfile=" + conninfoValue(passfile.toString())
                + " application_name=" + options.slot());
        settings.put("primary_slot_name", options.slot());
        return settings;
    }

    /** A conninfo value in single quotes, with backslash and quote escaped as libpq expects. */
    static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A passfile field: libpq reads backslash as an escape and colon as the separator. */
    static String passfileField(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }
}
