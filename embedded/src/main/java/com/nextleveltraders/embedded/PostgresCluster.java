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
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The on-disk side of a local PostgreSQL: creating the cluster once, and making a data directory safe to start. */
final class PostgresCluster {

    private static final Logger log = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Duration INIT_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Settings written into postgresql.conf rather than given on the command line: the launcher changes them while
     * the server runs (ALTER SYSTEM and a reload), which a command-line value would override.
     */
    static final Set<String> FILE_SETTINGS = Set.of("synchronous_standby_names");
    private static final String BLOCK_START = "# --- nlt: set at every start (PostgresOptions.settings) ---";
    private static final String BLOCK_END = "# --- nlt: end ---";

    private final Path baseDir;
    private final Path dataDir;
    private final Path passwordFile;
    private final Path logFile;
    private final PostgresBinaries binaries;
    private final ServerUser user;

    PostgresCluster(Path baseDir, PostgresBinaries binaries, ServerUser user, Path logFile) {
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("pgdata");
        this.passwordFile = baseDir.resolve("password");
        this.logFile = logFile;
        this.binaries = binaries;
        this.user = user;
    }

    Path dataDir() {
        return dataDir;
    }

    Path passwordFile() {
        return passwordFile;
    }

    /** Predictable messages (we scan them for errors) and no PG* variables from the caller's shell leaking in. */
    static void environment(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("PG"));
        env.put("LC_ALL", "C");
    }

    /**
     * Creates the cluster on first use: initdb into a staging directory, create the database in single-user mode (works
     * with both binary sets, which lack a common client), then rename into place. A first start that dies halfway
     * leaves only the staging directory, which the next start discards, so {@code pgdata} always means "complete".
     */
    void ensureInitialized(String superuser, String database) {
        if (Files.isDirectory(dataDir)) {
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                throw new EmbeddedServerException(dataDir + " exists but is not a PostgreSQL data directory");
            }
            if (!Files.exists(passwordFile)) {
                throw new EmbeddedServerException("the cluster in " + dataDir + " exists but its password file "
                        + passwordFile + " is missing; restore it or delete " + baseDir + " to start afresh");
            }
            return;
        }
        log.info("Creating PostgreSQL cluster in {} with {} (superuser {}, database {})", dataDir, binaries.origin(),
                superuser, database);
        String password = Passwords.loadOrCreate(passwordFile);
        Path staging = baseDir.resolve("pgdata.init");
        CacheDir.deleteTree(staging);
        Path pwfile = baseDir.resolve(".initdb-password");
        try {
            Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            user.own(staging);
            // initdb reads the password from a file so it never appears on a command line; the server user must
            // be able to read it, unlike the root-owned password file kept for clients. Its pg_hba.conf also admits
            // replication connections from 127.0.0.1 with --auth (scram-sha-256) for roles with the REPLICATION
            // attribute, which only the superuser has: that is the entry streaming replicas use.
            Passwords.writeOwnerOnly(pwfile, password + "\n");
            user.own(pwfile);
            int exit = Commands.logged("initdb", user.command(binaries.initdb().toString(), "-D", staging.toString(),
                    "--auth=scram-sha-256", "-U", superuser, "--pwfile=" + pwfile, "--encoding=UTF8", "--locale=C"),
                    null, PostgresCluster::environment, logFile, INIT_TIMEOUT);
            if (exit != 0) {
                throw EmbeddedServerException.withLog("initdb failed with exit code " + exit, logFile);
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot prepare " + staging, e);
        } finally {
            deleteQuietly(pwfile);
        }
        if (!database.equals("postgres")) {
            runSingleUser(staging, "CREATE DATABASE " + quote(database) + " OWNER " + quote(superuser) + ";\n");
        }
        try {
            Files.move(staging, dataDir, StandardCopyOption.ATOMIC_MOVE);
            Passwords.syncDirectory(baseDir);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot move the new cluster from " + staging + " to " + dataDir, e);
        }
    }

    /**
     * Single-user mode exits 0 even when a statement fails, so besides exit_on_error we also scan what it printed.
     */
    private void runSingleUser(Path dir, String sql) {
        long offset = LogFiles.size(logFile);
        int exit = Commands.logged("postgres --single", user.command(binaries.postgres().toString(), "--single",
                "-D", dir.toString(), "-c", "exit_on_error=on", "postgres"), sql, PostgresCluster::environment,
                logFile, INIT_TIMEOUT);
        String output = LogFiles.since(logFile, offset);
        if (exit != 0 || output.contains("ERROR:") || output.contains("FATAL:")) {
            throw EmbeddedServerException.withLog("creating the database in single-user mode failed (exit code "
                    + exit + ")", logFile);
        }
    }

    /** Identifiers are validated as plain names; quoting keeps their case exactly as given to initdb. */
    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /**
     * Makes the data directory startable after an unclean end: right owner and mode, no server of this directory still
     * running, and no lock file pointing at a pid that now belongs to somebody else.
     */
    void prepareStart(Duration staleWait) {
        user.ownTree(dataDir);
        try {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot set mode 0700 on " + dataDir, e);
        }
        awaitNoServer(staleWait);
        removeForeignLock();
    }

    /**
     * Waits while any process still works in this data directory: a server shutting down after its launcher died, or
     * backends that outlived a killed postmaster. Starting beside them could corrupt the cluster, and PostgreSQL's own
     * shared-memory interlock would refuse anyway, with a less helpful message. A postmaster that no watchdog runs any
     * more (its launcher died without a watched pid, or the wrapper was killed) would never stop, so we ask it to.
     */
    private void awaitNoServer(Duration timeout) {
        List<Long> pids = Procs.withWorkingDirectory(dataDir);
        if (pids.isEmpty()) {
            return;
        }
        long postmaster = lockPid(dataDir.resolve("postmaster.pid"));
        if (pids.contains(postmaster) && !Procs.commandLine(Procs.parentPid(postmaster)).contains(Watchdog.NAME)) {
            log.warn("PostgreSQL pid {} on {} was left running without its launcher; stopping it (fast shutdown)",
                    postmaster, dataDir);
            Procs.kill(postmaster, "INT");
        }
        log.info("Waiting up to {} s for PostgreSQL processes {} still running on {} to exit", timeout.toSeconds(),
                pids, dataDir);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pids.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new EmbeddedServerException("PostgreSQL is still running on " + dataDir + " (pids " + pids
                        + ") after " + timeout.toSeconds() + " s; stop it (kill -INT on the first pid in "
                        + dataDir.resolve("postmaster.pid") + ") and retry");
            }
            Procs.pause(100);
            pids = Procs.withWorkingDirectory(dataDir);
        }
    }

    /**
     * PostgreSQL removes a lock file whose pid is dead (and cleans up that server's shared memory), so such a file is
     * left alone. But if the pid was reused by an unrelated process, PostgreSQL refuses to start "because another
     * postmaster may be running"; we know better (no process works in the data directory), so we remove it.
     */
    private void removeForeignLock() {
        Path lock = dataDir.resolve("postmaster.pid");
        if (!Files.exists(lock)) {
            return;
        }
        long pid = lockPid(lock);
        if (pid > 0 && !Procs.exists(pid)) {
            return;
        }
        log.warn("Removing stale {}: pid {} is not a PostgreSQL of this data directory", lock, pid);
        deleteQuietly(lock);
    }

    private static long lockPid(Path lock) {
        try {
            List<String> lines = Files.readAllLines(lock);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getFirst().strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** True when postmaster.pid names {@code pid} and reports the status "ready" (what pg_ctl waits for). */
    boolean lockSaysReady(long pid) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.size() >= 8 && lines.getFirst().strip().equals(Long.toString(pid))
                    && lines.get(7).strip().equals("ready");
        } catch (IOException e) {
            return false;
        }
    }

    /** The server command line; settings are visible in ps, which is fine: no secrets among them. */
    List<String> serverCommand(int port, Map<String, String> settings) {
        Map<String, String> gucs = new LinkedHashMap<>();
        gucs.put("listen_addresses", "127.0.0.1");
        gucs.put("port", Integer.toString(port));
        gucs.put("unix_socket_directories", ""); // TCP only: no dependency on /var/run/postgresql
        // Memory is sized for one machine (2 cores, 24 GiB) running about five servers at once, each shard's primary
        // plus its replica: 128 MB of shared buffers apiece keeps them all well inside RAM next to the JVMs, while
        // still caching a shard's hot rows. max_connections stays overridable through the settings.
        gucs.put("shared_buffers", "128MB");
        gucs.put("max_connections", "200");
        gucs.put("fsync", "on");
        // Every server can be a primary with a streaming replica. These cost nothing until a replica connects; the
        // WAL kept for replicas is bounded by wal_keep_size plus whatever their replication slots still need.
        // A hot standby needs max_connections and max_wal_senders at least as high as its primary's, which
        // identical defaults on both sides guarantee.
        gucs.put("wal_level", "replica");
        gucs.put("max_wal_senders", "5");
        gucs.put("max_replication_slots", "5");
        gucs.put("wal_keep_size", "256MB");
        gucs.put("hot_standby", "on");
        gucs.put("logging_collector", "off");   // log to stderr, which the watchdog appends to the log file
        gucs.put("log_destination", "stderr");
        settings.forEach((name, value) -> {
            if (!FILE_SETTINGS.contains(name)) {
                gucs.put(name, value);
            }
        });
        List<String> command = new ArrayList<>(user.command(binaries.postgres().toString(), "-D", dataDir.toString()));
        gucs.forEach((name, value) -> {
            command.add("-c");
            command.add(name + "=" + value);
        });
        return command;
    }

    /**
     * Writes the {@link #FILE_SETTINGS} among {@code settings} into postgresql.conf, replacing what an earlier start
     * wrote there (none given: nothing), and drops what ALTER SYSTEM set for them from postgresql.auto.conf: every start
     * begins with the settings it was given, e.g. a primary waits for its replica again even if the launcher let it
     * commit alone before it stopped. A replica's copy of its primary's files is rewritten the same way.
     */
    void writeFileSettings(Map<String, String> settings) {
        StringBuilder block = new StringBuilder();
        settings.forEach((name, value) -> {
            if (FILE_SETTINGS.contains(name)) {
                block.append(name).append(" = ").append(confValue(value)).append('\n');
            }
        });
        Path conf = dataDir.resolve("postgresql.conf");
        Path auto = dataDir.resolve("postgresql.auto.conf");
        try {
            String text = withoutBlock(Files.readString(conf));
            if (!block.isEmpty()) {
                text = text + (text.endsWith("\n") ? "" : "\n") + BLOCK_START + "\n" + block + BLOCK_END + "\n";
            }
            // Rewritten in place: the files keep the server user as their owner.
            Files.writeString(conf, text);
            if (Files.exists(auto)) {
                String kept = Files.readAllLines(auto).stream()
                        .filter(line -> FILE_SETTINGS.stream().noneMatch(name -> line.strip().startsWith(name + " ")
                                || line.strip().startsWith(name + "=")))
                        .collect(Collectors.joining("\n", "", "\n"));
                Files.writeString(auto, kept);
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot write the settings into " + conf, e);
        }
    }

    private static String withoutBlock(String text) {
        int start = text.indexOf(BLOCK_START);
        if (start < 0) {
            return text;
        }
        int end = text.indexOf(BLOCK_END, start);
        return end < 0 ? text.substring(0, start) : text.substring(0, start) + text.substring(end + BLOCK_END.length()
                + (text.startsWith("\n", end + BLOCK_END.length()) ? 1 : 0));
    }

    /** A postgresql.conf string value: in single quotes, with quote and backslash escaped. */
    static String confValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", path, e.toString());
        }
    }
}
