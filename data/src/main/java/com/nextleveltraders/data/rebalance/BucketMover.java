package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Ownership;
import com.nextleveltraders.data.RoundTrip;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.Transactions;
import com.nextleveltraders.data.rebalance.FreezeAndFlip.Held;
import com.nextleveltraders.data.rebalance.MoveFaults.Point;
import com.nextleveltraders.data.rebalance.MoveFaults.SimulatedCrash;
import com.nextleveltraders.data.rebalance.MoveJournal.Step;
import com.nextleveltraders.data.rebalance.RowCopier.CaughtUp;
import com.nextleveltraders.data.rebalance.RowCopier.Mark;
import com.nextleveltraders.data.rebalance.RowCopier.Round;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Moves one bucket from shard S to shard T while it is written to, recording every step in the
 * catalog's move journal ({@link MoveJournal}) before doing it, so that {@link #resume()} after a
 * crash at any point either rolls the move back or finishes it, and nothing is lost or duplicated.
 *
 * <ol>
 * <li>START: S starts logging the changes of the bucket's rows ({@code moving_buckets},
 *     {@code bucket_changes}); it freezes the bucket once on the way ({@link Ownership#freeze}),
 *     so that every write still running without the log has committed before the copy.
 * <li>COPY and CATCHUP ({@link RowCopier}): T receives a copy of S's rows of the bucket, then the
 *     changes logged meanwhile, in rounds, until a round finds few.
 * <li>FREEZE ({@link FreezeAndFlip}): S freezes the bucket, the last changes go to T, both sides'
 *     rows are verified equal (or the move is rolled back), S lets go of the bucket and T takes it
 *     while the directory names T.
 * <li>CLEANUP: S deletes the bucket's rows, its log and its mark.
 * </ol>
 *
 * <p>Only one mover works at a time ({@link MoveLock}); it checks its lock before each step and
 * stops if it is gone. Tests break a move at each {@link Point} through {@link MoveFaults}.
 */
public final class BucketMover implements AutoCloseable {

    /**
     * What one move did.
     *
     * @param moved whether the bucket now lives on {@code toShard}; false when rolled back ({@code note} says why)
     * @param rowsCopied rows of the bucket copied to the new shard
     * @param changesApplied changed rows read again and written to the new shard after the copy
     * @param freezeMillis how long writes to the bucket were held, from the freeze's request of the
     *                     bucket's lock (later writes queue behind it from then on) to T owning the
     *                     bucket and the directory naming T; NaN when it never froze
     * @param freezeWaitMillis of {@code freezeMillis}, how long the freeze waited for the writes that
     *                         held the bucket already (measured on S's clock); NaN when not measured
     */
    public record Result(long journalId, int bucket, int fromShard, int toShard, boolean moved, long rowsCopied,
            long changesApplied, int catchupRounds, double freezeMillis, double freezeWaitMillis, String note) {
    }

    /** A rebalance or a move is already running against this catalog. */
    public static final class MoveInProgressException extends IllegalStateException {
        MoveInProgressException(String message) {
            super(message);
        }
    }

    /** The key of the catalog's session advisory lock a mover holds: "nlt move" in ASCII. */
    public static final long LOCK_KEY = 0x6e6c74206d6f7665L;

    private final Database database;
    private final MoveLock lock;
    private final MoveJournal journal;
    private final RowCopier copier;
    private final FreezeAndFlip flip;
    private final MoveFaults faults;

    private BucketMover(Database database, MoveLock lock, MoveFaults faults) {
        this.database = database;
        this.lock = lock;
        this.faults = faults;
        this.journal = new MoveJournal(database.catalog());
        this.copier = new RowCopier(database.config().database().sharding().moveBatch());
        this.flip = new FreezeAndFlip(database.catalog(), copier, faults);
    }

    /**
     * A mover on {@code database}'s catalog and shards, holding the catalog's move lock.
     *
     * @throws MoveInProgressException when another mover holds it
     */
    public static BucketMover open(Database database) {
        return open(database, MoveFaults.NONE);
    }

    /** As {@link #open(Database)}, breaking its moves where {@code faults} says. */
    static BucketMover open(Database database, MoveFaults faults) {
        return new BucketMover(database, MoveLock.take(database), faults);
    }

    /**
     * Moves {@code bucket} from shard {@code from}, which must own it, to shard {@code to}.
     *
     * @throws IllegalArgumentException when {@code from} does not own the bucket or {@code to} is not a usable shard
     */
    public Result move(int bucket, int from, int to) {
        new BucketMove(bucket, from, to);
        lock.require();
        database.refreshDirectory();
        int[] directory = ShardRegistry.directory(database.catalog(), database.config().database().sharding().buckets());
        if (bucket >= directory.length || directory[bucket] != from) {
            throw new IllegalArgumentException("bucket " + bucket + " is not on shard " + from);
        }
        DataSource source = primary(from);
        DataSource target = primary(to);
        if (owns(target, bucket)) {
            throw new IllegalArgumentException("shard " + to + " already owns bucket " + bucket);
        }
        long id = journal.start(bucket, from, to);
        faults.at(Point.START);
        Transactions.inTransaction(source, connection -> {
            boolean[] owned = new boolean[1];
            RoundTrip start = new RoundTrip()
                    .then("INSERT INTO moving_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING", bucket);
            Ownership.freeze(start, bucket, owned).run(connection);
            if (!owned[0]) {
                throw new IllegalArgumentException("shard " + from + " does not own bucket " + bucket);
            }
            return null;
        });

        step(id, Step.COPY, Point.COPY);
        long[] copied = new long[1];
        Mark mark = copier.copy(source, target, bucket, copied);

        step(id, Step.CATCHUP, Point.CATCHUP);
        CaughtUp caughtUp = copier.catchUp(source, target, bucket, mark);
        Round round = caughtUp.last();
        long applied = caughtUp.applied();
        int rounds = caughtUp.rounds();

        step(id, Step.FREEZE, Point.FREEZE);
        long[] lastChanges = new long[1];
        Held freeze;
        try {
            freeze = flip.run(source, target, bucket, to, round.mark(), round.copySums(), true, lastChanges);
        } catch (SimulatedCrash crash) {
            throw crash;
        } catch (RuntimeException failure) {
            // Past S's commit the bucket may be owned by no one (T's commit or the directory's failed,
            // say the catalog's session ended): finish or roll back now, as the next run would,
            // rather than leave the bucket's users waiting for that run.
            try {
                resume();
            } catch (RuntimeException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
        applied += lastChanges[0];
        if (!freeze.happened()) {
            String note = "verification failed: the copy on shard " + to + " differs from shard " + from;
            rollBack(id, source, target, bucket, from, to, false, note);
            return new Result(id, bucket, from, to, false, copied[0], applied, rounds, Double.NaN, Double.NaN, note);
        }
        cleanUp(id, source, bucket, copied[0], applied, freeze.millis());
        return new Result(id, bucket, from, to, true, copied[0], applied, rounds, freeze.millis(), freeze.waitMillis(),
                null);
    }

    /**
     * Finishes or rolls back every move the journal has not finished (a mover that crashed): one
     * that had not reached the freeze is rolled back (the bucket stays where it was and may be moved
     * again); one that had is finished, reading again every change logged since it started.
     */
    public List<Result> resume() {
        lock.require();
        List<MoveJournal.Open> open = journal.open();
        database.refreshDirectory();
        List<Result> results = new ArrayList<>();
        for (MoveJournal.Open move : open) {
            DataSource source = primary(move.from());
            DataSource target = primary(move.to());
            switch (move.step()) {
                case START, COPY, CATCHUP -> {
                    String note = "rolled back after an interrupted " + move.step();
                    rollBack(move.id(), source, target, move.bucket(), move.from(), move.to(), false, note);
                    results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), false, 0, 0, 0,
                            Double.NaN, Double.NaN, note));
                }
                case FREEZE, FLIP, CLEANUP -> {
                    Held freeze = Held.NOT;
                    long[] applied = new long[1];
                    if (move.step() != Step.CLEANUP) {
                        if (owns(target, move.bucket())) {
                            // T committed the bucket: only the directory may not name it yet.
                            flip.name(move.bucket(), move.to());
                        } else {
                            // S still owns the bucket, or let go of it before T took it (T's last
                            // changes were then lost with its transaction; S's rows, owned by no one,
                            // cannot change): either way T gets every change since the start again.
                            boolean held = owns(source, move.bucket());
                            Mark since = Mark.ALL;
                            List<long[]> copySums = null;
                            if (held) {
                                // S still takes writes: bring T up to date outside the freeze first, so
                                // that what the freeze applies is small however long the mover was gone.
                                CaughtUp caughtUp = copier.catchUp(source, target, move.bucket(), Mark.ALL);
                                since = caughtUp.last().mark();
                                copySums = caughtUp.last().copySums();
                                applied[0] += caughtUp.applied();
                            }
                            freeze = flip.run(source, target, move.bucket(), move.to(), since, copySums, held,
                                    applied);
                            if (!freeze.happened()) {
                                String note = "verification failed while finishing an interrupted move";
                                rollBack(move.id(), source, target, move.bucket(), move.from(), move.to(), !held,
                                        note);
                                results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), false, 0,
                                        applied[0], 0, Double.NaN, Double.NaN, note));
                                continue;
                            }
                        }
                    }
                    cleanUp(move.id(), source, move.bucket(), null, applied[0], freeze.millis());
                    results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), true, 0, applied[0], 0,
                            freeze.millis(), freeze.waitMillis(), "finished after an interrupted " + move.step()));
                }
                default -> throw new IllegalStateException("unfinished move " + move.id() + " at " + move.step());
            }
        }
        database.refreshDirectory();
        return results;
    }

    /** Writes {@code step} to the journal, the lock still held, and passes {@code point}. */
    private void step(long id, Step step, Point point) {
        lock.require();
        journal.step(id, step);
        faults.at(point);
    }

    private void cleanUp(long id, DataSource source, int bucket, Long copied, long applied, double freeze) {
        step(id, Step.CLEANUP, Point.CLEANUP);
        Transactions.inTransaction(source, s -> {
            try (PreparedStatement select = s.prepareStatement("SELECT 1 FROM owned_buckets WHERE bucket = ? FOR UPDATE")) {
                select.setInt(1, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalStateException("refusing to clean up bucket " + bucket + ": its shard owns it");
                    }
                }
            }
            BucketTables.execute(s, "DELETE FROM moving_buckets WHERE bucket = ?", bucket);
            BucketTables.deleteRows(s, bucket);
            BucketTables.execute(s, "DELETE FROM bucket_changes WHERE bucket = ?", bucket);
            return null;
        });
        journal.done(id, copied, applied, freeze);
    }

    /**
     * T drops its copy (it must not own the bucket), S stops logging, the directory names S; the
     * journal says so. {@code reclaim}: S had let go of the bucket (a resume that failed to verify
     * after S's commit) and takes it back; safe because T does not own it and S's rows are intact
     * (they are deleted only once T owns the bucket).
     */
    private void rollBack(long id, DataSource source, DataSource target, int bucket, int from, int to, boolean reclaim,
            String note) {
        lock.require();
        Transactions.inTransaction(target, t -> {
            try (PreparedStatement select = t.prepareStatement("SELECT 1 FROM owned_buckets WHERE bucket = ?")) {
                select.setInt(1, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalStateException("cannot roll back the move of bucket " + bucket
                                + ": the destination owns it");
                    }
                }
            }
            BucketTables.deleteRows(t, bucket);
            return null;
        });
        Transactions.inTransaction(source, s -> {
            if (reclaim) {
                BucketTables.execute(s, FreezeAndFlip.TAKE, bucket);
            }
            BucketTables.execute(s, "DELETE FROM moving_buckets WHERE bucket = ?", bucket);
            BucketTables.execute(s, "DELETE FROM bucket_changes WHERE bucket = ?", bucket);
            return null;
        });
        journal.rolledBack(id, note, bucket, from, to);
    }

    private static boolean owns(DataSource shard, int bucket) {
        return Transactions.read(shard, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM owned_buckets WHERE bucket = ?")) {
                select.setInt(1, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private DataSource primary(int shard) {
        for (Shard candidate : database.router().shards()) {
            if (candidate.id() == shard) {
                return candidate.primary();
            }
        }
        database.refreshDirectory();
        for (Shard candidate : database.router().shards()) {
            if (candidate.id() == shard) {
                return candidate.primary();
            }
        }
        throw new IllegalArgumentException("no usable shard " + shard + " in the registry");
    }

    /** Lets go of the move lock. */
    @Override
    public void close() {
        flip.close();
        lock.close();
    }
}
