package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The fence of every write: inside its transaction, the shard must still own the bucket. Writes
 * hold the bucket's ownership row FOR SHARE; a move freezes the bucket by taking it FOR UPDATE.
 *
 * <p>Row locks alone would let a steady stream of writers starve a freeze: PostgreSQL grants FOR
 * SHARE on a row that is only share-locked at once, without looking at a FOR UPDATE already
 * waiting for it (heap_lock_tuple adds the new locker to the row's MultiXact), so with writes to
 * the bucket always overlapping the freeze never gets the row. So both sides first take the
 * bucket's advisory lock for the transaction, writers shared and the freeze exclusive: advisory
 * locks live in the lock manager, whose queue is fair (a shared request waits behind an exclusive
 * one already waiting). A freeze then waits only for the writes already running, and writes that
 * come after it wait for it. Both take the advisory lock before the row, so they never wait for
 * each other in opposite orders.
 */
public final class Ownership {

    /** The first key of the per-bucket advisory locks ("nltb"); the second is the bucket. */
    static final int BUCKET_LOCK_CLASS = 0x6e6c7462;

    private Ownership() {
    }

    /**
     * For reads: the server read (a primary or its replica) must own the bucket, without locking
     * (a replica cannot lock, and a read needs no fence against a move, only against a stale router).
     */
    static void checkRead(Connection connection, int bucket, int shard) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM owned_buckets WHERE bucket = ?")) {
            select.setInt(1, bucket);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new StaleDirectoryException(bucket, shard);
                }
            }
        }
    }

    /**
     * Holds the bucket, shared, until the transaction ends: a freeze then waits for this write,
     * and this write waits for a freeze in progress or already waiting. Throws
     * {@link StaleDirectoryException} when the shard does not own it (any more).
     */
    public static void check(Connection connection, int bucket, int shard) throws SQLException {
        boolean[] owned = new boolean[1];
        new RoundTrip().then("SELECT pg_advisory_xact_lock_shared(?, ?)", BUCKET_LOCK_CLASS, bucket)
                .query("SELECT 1 FROM owned_buckets WHERE bucket = ? FOR SHARE", rs -> owned[0] = true, bucket)
                .run(connection);
        if (!owned[0]) {
            throw new StaleDirectoryException(bucket, shard);
        }
    }

    /**
     * Adds to {@code trip} what holds the bucket exclusively until the transaction ends, once the
     * writes holding it have ended (writes that come meanwhile wait); {@code owned[0]} becomes true
     * when the shard owns the bucket. Statements after it in the same round trip see every write
     * that held the bucket.
     */
    public static RoundTrip freeze(RoundTrip trip, int bucket, boolean[] owned) {
        return trip.then("SELECT pg_advisory_xact_lock(?, ?)", BUCKET_LOCK_CLASS, bucket)
                .query("SELECT 1 FROM owned_buckets WHERE bucket = ? FOR UPDATE", rs -> owned[0] = true, bucket);
    }
}
