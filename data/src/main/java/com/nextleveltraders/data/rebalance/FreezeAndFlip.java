package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.BucketTables.CHECKSUMS;
import static com.nextleveltraders.data.rebalance.BucketTables.UTC;

import com.nextleveltraders.data.Ownership;
import com.nextleveltraders.data.RoundTrip;
import com.nextleveltraders.data.Transactions;
import com.nextleveltraders.data.rebalance.MoveFaults.Point;
import com.nextleveltraders.data.rebalance.MoveFaults.SimulatedCrash;
import com.nextleveltraders.data.rebalance.RowCopier.Changes;
import com.nextleveltraders.data.rebalance.RowCopier.Mark;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * FREEZE, VERIFY and FLIP: the old shard S freezes the bucket ({@link Ownership#freeze}: waits for
 * the running writes and holds new ones), the last changes go to the new shard T, the count and
 * checksum of each table's rows of the bucket must be equal on S and T, then S lets go of the
 * bucket and T takes it while the catalog's directory names T. S lets go first, so two shards
 * never own the bucket at once; writers retry with backoff in the few milliseconds in between.
 *
 * <p>The freeze is what writers to the bucket feel, so it holds only what must be done while S
 * stands still, in as few round trips as the order of the steps allows ({@link RoundTrip}): one to
 * S (the freeze itself, the last changes with their rows, S's checksums and the deletion of its
 * ownership row, uncommitted); one to T (the last changes, T's checksums and T's ownership row,
 * uncommitted), unless nothing changed since the last catch-up round, which summed T already;
 * S's commit; then T's commit (or its ownership row) and the catalog's at once, the directory's row
 * having been written meanwhile on a thread of its own. The journal needs no step inside it:
 * FREEZE, written before, already tells a resume to finish the move.
 *
 * <p>Why the copy equals the source when T takes the bucket: the verification compares the
 * count and checksum of every row of the bucket on both sides, not only of the last changes,
 * while S's rows of the bucket cannot change (frozen: the writes that held the bucket have
 * ended and new ones wait; or owned by no one). T's side is summed after T wrote the last
 * changes, in the transaction that commits them; or, when the freeze finds no change since the
 * last catch-up round, by that round, in the transaction that committed its writes: from then on
 * nothing writes T's rows of the bucket, as nothing but the mover writes a bucket's rows on a
 * shard that does not own it (every write checks ownership inside its transaction, the fence this
 * whole design stands on) and T does not own it until the end of the freeze. S then commits only
 * the deletion of its ownership row, and T only what was summed plus its ownership row. So the
 * proof does not rest on the change log being complete: a change the log missed shows as a
 * difference and the move is rolled back. (Summing only the last changes under the freeze,
 * trusting an earlier sum for the rest, would rest on the log; the full sums cost little, as both
 * sides find a bucket's rows through its index, and they travel in round trips the freeze makes
 * anyway.)
 */
final class FreezeAndFlip implements AutoCloseable {

    /** How long a freeze held writes, and how much of it was waiting for the writes already in; NaN when it never froze. */
    record Held(double millis, double waitMillis) {
        static final Held NOT = new Held(Double.NaN, Double.NaN);

        boolean happened() {
            return !Double.isNaN(millis);
        }
    }

    // The server's clock in microseconds.
    private static final String CLOCK = "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint";
    // A shard takes the bucket.
    static final String TAKE = "INSERT INTO owned_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING";

    private final DataSource catalog;
    private final RowCopier copier;
    private final MoveFaults faults;
    private final ExecutorService catalogWork = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("move-catalog").daemon().factory());

    FreezeAndFlip(DataSource catalog, RowCopier copier, MoveFaults faults) {
        this.catalog = catalog;
        this.copier = copier;
        this.faults = faults;
    }

    /**
     * Freezes, verifies and flips the bucket from S to shard {@code to}, applying the changes
     * after {@code mark} (added to {@code applied[0]}). Returns the freeze, or {@link Held#NOT}
     * when the copies differ (nothing is committed then: S still owns the bucket if it did, T does
     * not).
     *
     * @param copySums T's sums after the last catch-up round, or null when there was none
     * @param held     S owns the bucket and freezes it first; otherwise S let go of it earlier (a
     *                 resume after a crash between S's commit and T's) and its rows of the bucket
     *                 cannot change
     */
    Held run(DataSource source, DataSource target, int bucket, int to, Mark mark, List<long[]> copySums,
            boolean held, long[] applied) {
        // Every connection taken before the freeze: taking one may cost a round trip (the pool checks
        // a connection idle for a while).
        try (Connection s = source.getConnection(); Connection t = target.getConnection();
                Connection c = catalog.getConnection()) {
            s.setAutoCommit(false);
            t.setAutoCommit(false);
            c.setAutoCommit(false);
            copier.knowColumns(t); // known before the freeze, for writing the last changes
            CompletableFuture<Void> named = null;
            CompletableFuture<Void> namedCommitted = null;
            try {
                // From the request on, not from the grant: writes that come while the freeze waits for
                // the running ones already queue behind it.
                long frozen = System.nanoTime();
                // The catalog's directory names T, uncommitted, on the mover's own thread while S and T work:
                // it is committed once S has let go, at the same time as T takes the bucket.
                named = async(() -> name(c, bucket, to));
                // S, in one round trip: the freeze, the last changes with their rows, S's sums, and letting
                // go of the bucket, uncommitted.
                boolean[] owned = {!held};
                long[] micros = new long[2]; // S's clock before the freeze's request and once it holds the bucket
                Changes changes = new Changes(mark);
                List<long[]> ours = new ArrayList<>();
                RoundTrip here = new RoundTrip();
                if (held) {
                    here.query(CLOCK, rs -> micros[0] = rs.getLong(1));
                    Ownership.freeze(here, bucket, owned).query(CLOCK, rs -> micros[1] = rs.getLong(1));
                }
                changes.read(here, bucket).then(UTC)
                        .query(CHECKSUMS, rs -> ours.add(BucketTables.sums(rs)), BucketTables.perTable(bucket));
                if (held) {
                    here.then("DELETE FROM owned_buckets WHERE bucket = ?", bucket);
                }
                here.run(s);
                if (!owned[0]) {
                    throw new IllegalStateException("shard no longer owns bucket " + bucket + " at the freeze");
                }
                applied[0] += changes.keys();
                // Nothing changed since the last catch-up round: T's rows are as that round summed them.
                boolean unchanged = changes.keys() == 0 && copySums != null;
                List<long[]> copy;
                if (unchanged) {
                    copy = copySums;
                } else {
                    // T, in one round trip: the last changes, T's sums, and the bucket, uncommitted.
                    List<long[]> summed = new ArrayList<>();
                    copier.writes(t, changes).then(UTC)
                            .query(CHECKSUMS, rs -> summed.add(BucketTables.sums(rs)), BucketTables.perTable(bucket))
                            .then(TAKE, bucket).run(t);
                    copy = summed;
                }
                if (!BucketTables.same(ours, copy)) {
                    settle(named);
                    c.rollback();
                    s.rollback();
                    t.rollback();
                    return Held.NOT;
                }
                faults.at(Point.FLIP);
                s.commit();
                faults.at(Point.RELEASED);
                CompletableFuture<Void> update = named;
                namedCommitted = async(() -> {
                    join(update);
                    c.commit();
                });
                if (unchanged) {
                    t.setAutoCommit(true); // no transaction is open on T: one round trip, committed
                    new RoundTrip().then(TAKE, bucket).run(t);
                } else {
                    t.commit();
                }
                join(namedCommitted);
                return new Held((System.nanoTime() - frozen) / 1e6, held ? (micros[1] - micros[0]) / 1e3 : Double.NaN);
            } catch (SimulatedCrash crash) {
                settle(named);
                settle(namedCommitted);
                throw crash; // the connections close: the servers roll back what is open, as if the mover had died
            } catch (SQLException | RuntimeException e) {
                settle(named);
                settle(namedCommitted);
                rollbackQuietly(c, e);
                rollbackQuietly(s, e);
                rollbackQuietly(t, e);
                throw e;
            }
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
    }

    /** The directory names {@code to} for the bucket, committed. */
    void name(int bucket, int to) {
        try (Connection c = catalog.getConnection()) {
            name(c, bucket, to);
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
    }

    private static void name(Connection catalog, int bucket, int to) throws SQLException {
        try (PreparedStatement update = catalog.prepareStatement(
                "UPDATE bucket_directory SET shard_id = ? WHERE bucket = ?")) {
            update.setInt(1, to);
            update.setInt(2, bucket);
            update.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface SqlStep {
        void run() throws SQLException;
    }

    /**
     * {@code step} on the mover's catalog thread, one step after another: the catalog's part of
     * the freeze overlaps with the shards' instead of following it. A platform thread kept for the
     * mover's life, so that no freeze pays for starting one.
     */
    private CompletableFuture<Void> async(SqlStep step) {
        return CompletableFuture.runAsync(() -> {
            try {
                step.run();
            } catch (SQLException e) {
                throw Transactions.translate(e);
            }
        }, catalogWork);
    }

    private static void join(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Waits for {@code future}, if any, whatever its outcome: its connection is then free again. */
    private static void settle(CompletableFuture<Void> future) {
        if (future != null) {
            future.handle((result, failure) -> null).join();
        }
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    /** Stops the catalog thread. */
    @Override
    public void close() {
        catalogWork.shutdown();
    }
}
