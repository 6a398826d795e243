package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.DbFailover;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one launcher that may fail shard primaries over: it holds a session-level advisory lock on
 * the catalog ({@code pg_try_advisory_lock(}{@value #LOCK_KEY}{@code )}) on a connection of its
 * own, and acts only while it holds it; another launcher pointed at the same catalog waits. The
 * lock goes with the session: when this launcher dies, the catalog ends its session and the next
 * launcher to ask takes it.
 *
 * <p>It probes each shard's primary ({@link ShardFailover}) every {@code database.failover.checkInterval}:
 * a new connection and {@code SELECT 1}, both bounded by {@link DbFailover#probeTimeout()}, so that a
 * frozen server fails the probe by timeout as a dead one does at once. {@code database.failover.fall}
 * failures in a row fail the primary over; one success starts the count again.
 */
final class FailoverDecider implements AutoCloseable {

    /** The catalog's advisory lock key of the deciding launcher ("nltfailo"). */
    static final long LOCK_KEY = 0x6e6c7466_61696c6fL;

    /** Opens a connection to the catalog. */
    interface Catalog {
        Connection open() throws SQLException;
    }

    private final Catalog catalog;
    private final DbFailover settings;
    private final String user;
    private final String password;
    private final List<ShardFailover> shards = new CopyOnWriteArrayList<>();
    private Connection lock; // guarded by this
    private boolean refusedSaid; // guarded by this
    private volatile Runnable fatal = () -> { };
    private volatile boolean started;
    private volatile boolean closed;

    FailoverDecider(Catalog catalog, DbFailover settings, String user, String password) {
        this.catalog = catalog;
        this.settings = settings;
        this.user = user;
        this.password = password;
    }

    DbFailover settings() {
        return settings;
    }

    /** Probes {@code shard}'s primary from now on (once {@link #start} ran). */
    void add(ShardFailover shard) {
        shards.add(shard);
        if (started) {
            probe(shard);
        }
    }

    /** Takes the lock if it can and starts probing; {@code onFatal} runs when a failover fails half-way. */
    void start(Runnable onFatal) {
        fatal = onFatal;
        started = true;
        if (holdsLock()) {
            System.out.println("failover: this launcher decides (catalog advisory lock " + LOCK_KEY + "); probing each"
                    + " shard's primary every " + settings.checkInterval().toMillis() + " ms, failing over after "
                    + settings.fall() + " failed probes in a row or at once when its process exits");
        }
        shards.forEach(this::probe);
    }

    /**
     * True while this launcher holds the deciding lock, taking it when free. Checked before every
     * failover: a launcher whose lock session broke does not act.
     */
    synchronized boolean holdsLock() {
        if (closed) {
            return false;
        }
        try {
            if (lock != null && lock.isValid(1)) {
                return true;
            }
            closeLock();
            Connection connection = catalog.open();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    lock = connection;
                    refusedSaid = false;
                    return true;
                }
            }
            connection.close();
            if (!refusedSaid) {
                System.err.println("failover: another launcher holds the catalog's failover lock; this one does not"
                        + " fail primaries over while it does");
                refusedSaid = true;
            }
            return false;
        } catch (SQLException e) {
            closeLock();
            return false;
        }
    }

    private void probe(ShardFailover shard) {
        Thread.ofVirtual().name("failover-probe-" + shard.id()).start(() -> {
            int failures = 0;
            while (!closed && !shard.failedOver()) {
                try {
                    Thread.sleep(settings.checkInterval());
                } catch (InterruptedException e) {
                    return;
                }
                if (closed || shard.failedOver() || !holdsLock()) {
                    continue;
                }
                String failure = answers(shard.primaryHost(), shard.primaryPort(), shard.database());
                if (failure == null) {
                    failures = 0;
                    continue;
                }
                failures++;
                if (failures < settings.fall() || closed) {
                    continue;
                }
                try {
                    shard.failOver(failures + " probes in a row failed (" + failure + ")");
                } catch (RuntimeException e) {
                    if (!closed) {
                        System.err.println("shard " + shard.id() + " failover failed: " + e.getMessage());
                        fatal.run();
                    }
                    return;
                }
            }
        });
    }

    /** Null when the server accepts a new connection and answers {@code SELECT 1} in time, else why not. */
    private String answers(String host, int port, String database) {
        int seconds = (int) Math.max(1, (settings.probeTimeout().toMillis() + 999) / 1000);
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        properties.setProperty("sslmode", "disable");
        properties.setProperty("ApplicationName", "nlt-failover-probe");
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
                + "/" + database, properties);
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(seconds);
            try (ResultSet rs = statement.executeQuery("SELECT 1")) {
                return rs.next() ? null : "no row";
            }
        } catch (SQLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int newline = message.indexOf('\n');
            return newline < 0 ? message : message.substring(0, newline);
        }
    }

    private void closeLock() {
        if (lock != null) {
            try {
                lock.close();
            } catch (SQLException ignored) {
                // The session is gone either way, and the lock with it.
            }
            lock = null;
        }
    }

    /** Stops probing and lets the lock go: first of all at stop, so that servers stopping are not failed over. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            closeLock();
        }
    }
}
