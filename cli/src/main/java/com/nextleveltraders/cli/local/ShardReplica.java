package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.EmbeddedServerException;
import com.nextleveltraders.embedded.ReplicaOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A shard's streaming replica under `nlt up`, which the {@link Supervisor} starts again when it
 * dies, while its primary keeps serving (reads meant for the replica go to the primary meanwhile:
 * the instances' routers stop using a replica that does not answer). It comes back on its own data,
 * the WAL it missed kept for it by its slot on the primary; when that start fails, or its data is
 * gone, it is copied again from the primary (pg_basebackup, on the same slot). Always on the same
 * port, so that the instances' pools to it reconnect by themselves.
 */
final class ShardReplica implements AutoCloseable, Supervisor.Restart {

    /** A replica that starts but cannot reach its primary is reported, not waited for forever. */
    private static final Duration STREAMING_WAIT = Duration.ofSeconds(60);

    private final int shard;
    private final ReplicaOptions options; // on the port of the first start
    private final String database;
    private final Path passwordFile;
    private final ReplicaStates states;
    private EmbeddedPostgresReplica current; // guarded by this
    private volatile boolean closed;
    private volatile boolean promoted;

    private ShardReplica(int shard, ReplicaOptions options, String database, ReplicaStates states,
            EmbeddedPostgresReplica current) {
        this.shard = shard;
        this.options = options;
        this.database = database;
        this.passwordFile = current.passwordFile();
        this.states = states;
        this.current = current;
    }

    /** Starts the replica (copying the primary on first use) and records it as running. */
    static ShardReplica start(int shard, ReplicaOptions options, String database, ReplicaStates states) {
        EmbeddedPostgresReplica started = EmbeddedPostgresReplica.start(options);
        states.set(shard, ReplicaStates.State.RUNNING, started.port(), started.pid());
        return new ShardReplica(shard, options.withPort(started.port()), database, states, started);
    }

    synchronized EmbeddedPostgresReplica current() {
        return current;
    }

    private String primary() {
        return options.primaryHost() + ":" + options.primaryPort();
    }

    /** Starts it again after it died; throws when neither its data nor a new copy would start. */
    @Override
    public synchronized ProcessHandle run() {
        if (closed) {
            throw new IllegalStateException("the platform is stopping");
        }
        if (promoted) {
            return null; // the shard's primary now: watched, and failed over, as that
        }
        EmbeddedPostgresReplica dead = current;
        String exit = dead.exitCode().stream().mapToObj(code -> "exit " + code).findFirst().orElse("exit unknown");
        dead.close(); // reaps its watchdog; the server is gone already
        states.set(shard, ReplicaStates.State.RESTARTING, options.port(), dead.pid());
        String what = "shard " + shard + " replica";
        if (EmbeddedPostgresReplica.hasData(options)) {
            System.err.println(what + " died (" + exit + "); restarting on its data");
            try {
                current = EmbeddedPostgresReplica.start(options);
            } catch (EmbeddedServerException e) {
                System.err.println(what + " could not start on its data (" + firstLine(e.getMessage())
                        + "); copying it again from its primary " + primary());
                current = EmbeddedPostgresReplica.copyAgain(options);
            }
        } else {
            System.err.println(what + " died (" + exit + ") and its data is gone; copying it again from its primary "
                    + primary());
            current = EmbeddedPostgresReplica.copyAgain(options);
        }
        states.set(shard, ReplicaStates.State.RUNNING, current.port(), current.pid());
        if (awaitStreaming()) {
            System.out.println(what + " is back on port " + current.port() + " (pid " + current.pid()
                    + "), streaming again from " + primary());
        } else {
            System.err.println(what + " is back on port " + current.port() + " (pid " + current.pid()
                    + ") but not streaming from " + primary() + " after " + STREAMING_WAIT.toSeconds() + " s; see "
                    + current.logFile());
        }
        return Supervisor.handle(current.pid());
    }

    /**
     * Makes the replica its shard's primary, once its old primary is fenced (killed): promoted
     * ({@code pg_promote}, which returns once it accepts writes) and, when it came with synchronous
     * replication from its primary's configuration, set to commit alone ({@code synchronous_standby_names}
     * emptied with ALTER SYSTEM and a reload): it has no replica to wait for, and every commit would
     * hang. From now on, when it dies it is not started again as a replica.
     *
     * @return the server, which keeps running (and is stopped with the platform) as before
     */
    synchronized EmbeddedPostgresReplica promote() throws SQLException {
        promoted = true;
        try (Connection connection = DriverManager.getConnection(current.jdbcUrl(database), current.user(),
                Secrets.read(passwordFile));
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT pg_promote(true, 30)")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new SQLException("pg_promote did not finish within 30 s");
                }
            }
            String synchronous;
            try (ResultSet rs = statement.executeQuery("SHOW synchronous_standby_names")) {
                rs.next();
                synchronous = rs.getString(1);
            }
            if (!synchronous.isBlank()) {
                statement.execute("ALTER SYSTEM SET synchronous_standby_names = ''");
                statement.execute("SELECT pg_reload_conf()");
                awaitCommitsAlone();
                System.out.println("shard " + shard + " failover: the promoted server waited for a synchronous"
                        + " replica ('" + synchronous + "'); it commits alone now");
            }
        }
        states.set(shard, ReplicaStates.State.PROMOTED, current.port(), current.pid());
        return current;
    }

    /**
     * Until a new session sees {@code synchronous_standby_names} empty (the reload is asynchronous),
     * at most {@link #STREAMING_WAIT}; a value given on the server's command line outranks ALTER
     * SYSTEM, and is reported.
     */
    private void awaitCommitsAlone() throws SQLException {
        long deadline = System.nanoTime() + STREAMING_WAIT.toNanos();
        while (true) {
            try (Connection connection = DriverManager.getConnection(current.jdbcUrl(database), current.user(),
                    Secrets.read(passwordFile));
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_standby_names'")) {
                rs.next();
                if (rs.getString(1).isBlank()) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException("synchronous_standby_names is still '" + rs.getString(1) + "' (from "
                            + rs.getString(2) + ") after ALTER SYSTEM and a reload: commits would wait forever");
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
        }
    }

    @Override
    public boolean reportsItself() {
        return true;
    }

    /**
     * Until its WAL receiver streams from the primary (a replica admits reads once it replayed its
     * own WAL, before it reconnects), at most {@link #STREAMING_WAIT}.
     */
    private boolean awaitStreaming() {
        long deadline = System.nanoTime() + STREAMING_WAIT.toNanos();
        while (!closed) {
            if (streaming()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private boolean streaming() {
        try (Connection connection = DriverManager.getConnection(current.jdbcUrl(database), current.user(),
                Secrets.read(passwordFile));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT status FROM pg_stat_wal_receiver")) {
            return rs.next() && "streaming".equals(rs.getString(1));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Stops the replica; one being started again is stopped once it has started. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            current.close();
        }
    }
}
