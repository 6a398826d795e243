package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.ServerProbe;
import com.nextleveltraders.data.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The catalog's move lock, so that only one mover works at a time: a session advisory lock held
 * over a connection of its own, released when it is closed, when the mover's process dies, or when
 * that connection ends.
 */
final class MoveLock implements AutoCloseable {

    private static final int CHECK_SECONDS = 2;

    private final Connection session;

    private MoveLock(Connection session) {
        this.session = session;
    }

    /**
     * Takes the lock on {@code database}'s catalog.
     *
     * @throws BucketMover.MoveInProgressException when another mover holds it
     */
    static MoveLock take(Database database) {
        var endpoint = database.config().platform().postgres();
        Connection session;
        try {
            session = ServerProbe.open(database.config(), endpoint.host(), endpoint.port(), endpoint.database());
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
        try (PreparedStatement take = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            take.setLong(1, BucketMover.LOCK_KEY);
            try (ResultSet rs = take.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    closeQuietly(session);
                    throw new BucketMover.MoveInProgressException("another rebalance is running on this platform"
                            + " (the catalog's move lock is held); wait for it to finish");
                }
            }
        } catch (SQLException e) {
            closeQuietly(session);
            throw Transactions.translate(e);
        }
        return new MoveLock(session);
    }

    /**
     * The lock is held for as long as its session lives, and released by the server if that
     * session ends (a catalog restart, a dropped link), when another mover may take it. So before
     * each step of a move the mover checks that its session still answers, and stops otherwise
     * rather than work beside another; the journal lets the next run resume.
     *
     * @throws DatabaseUnavailableException when the session is gone
     */
    void require() {
        boolean held;
        try {
            held = session.isValid(CHECK_SECONDS);
        } catch (SQLException e) {
            held = false;
        }
        if (!held) {
            throw new DatabaseUnavailableException("lost the catalog's move lock (its connection ended): stopped"
                    + " before the next step so that no two movers work at once; run the rebalance again", null);
        }
    }

    /** Lets go of the lock. */
    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a session releases its advisory lock whatever the answer
        }
    }
}
