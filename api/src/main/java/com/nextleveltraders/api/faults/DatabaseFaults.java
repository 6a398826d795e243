package com.nextleveltraders.api.faults;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Shard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One setting's database faults at work on background virtual threads, on the primary of the
 * lowest-numbered shard: connections held busy, and slow statements one after the other. Stopping
 * lets each thread end after the statement it is in.
 */
final class DatabaseFaults implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFaults.class);
    // After a failure (no shard yet, the server away): try again soon, without spinning.
    private static final Duration RETRY = Duration.ofMillis(200);

    private final Database database;
    private final Duration holdStep;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param holdStep how long each sleep on a held connection lasts: below the statement timeout,
     *                 which would end it, and short, since clearing waits for it
     */
    private DatabaseFaults(Database database, Duration holdStep) {
        this.database = database;
        this.holdStep = holdStep;
    }

    static DatabaseFaults start(Database database, Faults faults, Duration statementTimeout) {
        Duration step = statementTimeout.dividedBy(2).compareTo(Duration.ofMillis(250)) < 0
                ? statementTimeout.dividedBy(2) : Duration.ofMillis(250);
        DatabaseFaults started = new DatabaseFaults(database, step);
        for (int i = 0; i < faults.holdConnections(); i++) {
            started.run("fault-hold-" + i, started::hold);
        }
        if (!faults.slowStatement().isZero()) {
            started.run("fault-slow-statement", () -> started.slowStatements(faults.slowStatement()));
        }
        return started;
    }

    private void run(String name, Runnable work) {
        threads.add(Thread.ofVirtual().name(name).start(work));
    }

    private Shard shard() {
        return database.router().shards().stream().min(Comparator.comparingInt(Shard::id))
                .orElseThrow(() -> new IllegalStateException("no shard"));
    }

    /**
     * Keeps one connection busy: statements in autocommit, not a transaction left open, which
     * {@code idle_in_transaction_session_timeout} would end.
     */
    private void hold() {
        while (!stopped.get()) {
            try (Connection connection = shard().primary().getConnection();
                    PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                sleep.setDouble(1, holdStep.toMillis() / 1000.0);
                while (!stopped.get()) {
                    sleep.execute();
                }
            } catch (SQLException | RuntimeException e) {
                failed("holding a connection", e);
            }
        }
    }

    /** One {@code pg_sleep(d)} after the other, each a unit of work timed as {@code fault_slow_statement}. */
    private void slowStatements(Duration each) {
        while (!stopped.get()) {
            try {
                database.readOn("fault_slow_statement", shard().primary(), connection -> {
                    try (PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                        sleep.setDouble(1, each.toMillis() / 1000.0);
                        return sleep.execute();
                    }
                });
            } catch (RuntimeException e) {
                failed("a slow statement", e);
            }
        }
    }

    private void failed(String what, Exception e) {
        if (stopped.get()) {
            return;
        }
        LOG.debug("fault switch: {} failed, trying again: {}", what, e.toString());
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException interrupted) {
            stopped.set(true);
        }
    }

    /** Stops every thread after its current statement; at instance close, {@code now} interrupts them too. */
    void stop(boolean now) {
        stopped.set(true);
        if (now) {
            threads.forEach(Thread::interrupt);
        }
    }

    @Override
    public void close() {
        stop(true);
    }
}
