package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.Ownership;
import com.nextleveltraders.data.RoundTrip;
import com.nextleveltraders.data.ServerProbe;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.SqlWork;
import com.nextleveltraders.data.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * Moves one bucket from shard S to shard T while it is written to, recording every step in the
 * catalog's move journal ({@code bucket_moves}) before doing it, so that {@link #resume()} after a
 * crash at any point either rolls the move back or finishes it, and nothing is lost or duplicated.
 *
 * <ol>
 * <li>START: S starts logging the changes of the bucket's rows ({@code moving_buckets},
 *     {@code bucket_changes}); it freezes the bucket once on the way ({@link Ownership#freeze}),
 *     so that every write still running without the log has committed before the copy.
 * <li>COPY: T drops any leftover rows of the bucket and receives a copy of S's, read in one
 *     REPEATABLE READ snapshot, in batches. The log's position and the oldest running transaction
 *     at that snapshot are the catch-up's starting point.
 * <li>CATCHUP: rounds of reading the changed keys again on S (one snapshot per round) and writing
 *     those rows to T, or deleting them there when gone on S, until a round finds few changes.
 *     A change logged by a transaction still running when a round looked is read again next round
 *     (log ids are taken in one order and committed in another).
 * <li>FREEZE: S freezes the bucket ({@link Ownership#freeze}: waits for the running writes and
 *     holds new ones), the last changes go to T, then VERIFY: count and an order-independent
 *     checksum of each table's rows of the bucket, equal on S and T, or the move is rolled back.
 * <li>FLIP: S deletes its ownership row and commits (the held writes then find no owner and retry),
 *     then T commits the last changes together with its ownership, while the catalog's directory
 *     names T. S lets go first, so two shards never own the bucket at once; writers retry with
 *     backoff in the few milliseconds in between. The freeze is measured from S's request of the
 *     bucket's lock (writes that come later wait from then on) to T owning it and the directory
 *     naming T.
 * <li>CLEANUP: S deletes the bucket's rows, its log and its mark.
 * </ol>
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
 * <p>Only one mover works at a time: it holds a session advisory lock on the catalog over a
 * connection of its own, released when the mover is closed or its process dies, or when that
 * connection ends; so the mover checks its session before each step and stops if it is gone.
 */
public final class BucketMover implements AutoCloseable {

    /**
     * The steps of a move as the journal records them. FLIP is no longer written (the flip happens
     * inside the freeze, which FREEZE covers); a journal that says FLIP resumes as FREEZE does.
     */
    public enum Step { START, COPY, CATCHUP, FREEZE, FLIP, CLEANUP, DONE, ROLLED_BACK }

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

    /** How long a freeze held writes, and how much of it was waiting for the writes already in; NaN when it never froze. */
    private record Held(double millis, double waitMillis) {
        static final Held NOT = new Held(Double.NaN, Double.NaN);

        boolean happened() {
            return !Double.isNaN(millis);
        }
    }

    /** A rebalance or a move is already running against this catalog. */
    public static final class MoveInProgressException extends IllegalStateException {
        MoveInProgressException(String message) {
            super(message);
        }
    }

    /** The in-process stand-in for a crash of the mover: thrown by the {@link #crashAt} hook. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    private record Table(String name, List<String> key) {
    }

    /** Where the catch-up stands: log ids up to {@code lastId} applied, except those of transactions from {@code xmin} on. */
    private record Mark(long lastId, String xmin) {
        static final Mark ALL = new Mark(0, "0");
    }

    /**
     * The bucket's changes after a mark, as read on S: per table the changed rows as they are now
     * (JSON objects) and the keys of those now gone; how many keys; and the mark after them.
     */
    private static final class Changes {
        final Map<Table, List<String>> present = new LinkedHashMap<>();
        final Map<Table, List<String>> gone = new LinkedHashMap<>();
        final Mark since;
        int keys;
        Mark mark;

        Changes(Mark since) {
            this.since = since;
            this.mark = since;
        }

        /** Adds {@link #CHANGES} to {@code trip}, its rows to these. */
        RoundTrip read(RoundTrip trip, int bucket) {
            Object[] parameters = new Object[3 + TABLES.size()];
            parameters[0] = bucket;
            parameters[1] = since.lastId();
            parameters[2] = since.xmin();
            Arrays.fill(parameters, 3, parameters.length, bucket);
            return trip.query(CHANGES, this::row, parameters);
        }

        private void row(ResultSet rs) throws SQLException {
            int table = rs.getInt(1);
            if (table < 0) {
                String last = rs.getString(3);
                mark = new Mark(last == null ? since.lastId() : Math.max(since.lastId(), Long.parseLong(last)),
                        rs.getString(2));
                return;
            }
            keys++;
            String row = rs.getString(3);
            (row == null ? gone : present).computeIfAbsent(TABLES.get(table), t -> new ArrayList<>())
                    .add(row == null ? rs.getString(2) : row);
        }
    }

    // In foreign-key order: accounts before the orders that name them, orders before their trades.
    private static final List<Table> TABLES = List.of(new Table("accounts", List.of("user_id")),
            new Table("orders", List.of("id")), new Table("trades", List.of("id")),
            new Table("positions", List.of("user_id", "symbol")));
    /** The key of the catalog's session advisory lock a mover holds: "nlt move" in ASCII. */
    public static final long LOCK_KEY = 0x6e6c74206d6f7665L;
    private static final int LOCK_CHECK_SECONDS = 2;
    private static final int BATCH = 500;
    private static final int SMALL_ROUND = 20;
    private static final int MAX_ROUNDS = 50;
    // A row's text depends on the session's time zone (timestamptz): the same on both sides.
    private static final String UTC = "SET LOCAL TimeZone = 'UTC'";
    // The server's clock in microseconds.
    private static final String CLOCK = "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint";
    // A shard takes the bucket.
    private static final String TAKE = "INSERT INTO owned_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING";

    private final Database database;
    private final Connection lock;
    private final ExecutorService catalogWork = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("move-catalog").daemon().factory());
    private final Map<String, List<String>> columns = new HashMap<>();
    /** Test hook: the crash point at which to stop dead (START, COPY, CATCHUP, FREEZE, FLIP, RELEASED, CLEANUP). */
    volatile String crashAt;
    /** Test hook: at {@link #crashAt}, fail as a lost connection would, the mover living on, instead of dying. */
    volatile boolean survivesCrash;

    private BucketMover(Database database, Connection lock) {
        this.database = database;
        this.lock = lock;
    }

    /**
     * A mover on {@code database}'s catalog and shards, holding the catalog's move lock.
     *
     * @throws MoveInProgressException when another mover holds it
     */
    public static BucketMover open(Database database) {
        var endpoint = database.config().platform().postgres();
        Connection lock;
        try {
            lock = ServerProbe.open(database.config(), endpoint.host(), endpoint.port(), endpoint.database());
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
        try (PreparedStatement take = lock.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            take.setLong(1, LOCK_KEY);
            try (ResultSet rs = take.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    closeQuietly(lock);
                    throw new MoveInProgressException("another rebalance is running on this platform (the catalog's"
                            + " move lock is held); wait for it to finish");
                }
            }
        } catch (SQLException e) {
            closeQuietly(lock);
            throw Transactions.translate(e);
        }
        return new BucketMover(database, lock);
    }

    /**
     * Moves {@code bucket} from shard {@code from}, which must own it, to shard {@code to}.
     *
     * @throws IllegalArgumentException when {@code from} does not own the bucket or {@code to} is not a usable shard
     */
    public Result move(int bucket, int from, int to) {
        new BucketMove(bucket, from, to);
        requireLock();
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
        long id = Transactions.inTransaction(database.catalog(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO bucket_moves (bucket, from_shard, to_shard, step, started_at, updated_at)
                    VALUES (?, ?, ?, 'START', now(), now()) RETURNING id""")) {
                insert.setInt(1, bucket);
                insert.setInt(2, from);
                insert.setInt(3, to);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        crash("START");
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

        step(id, Step.COPY);
        crash("COPY");
        long[] copied = new long[1];
        Mark mark = copy(source, target, bucket, copied);

        step(id, Step.CATCHUP);
        crash("CATCHUP");
        CaughtUp caughtUp = catchUpRounds(source, target, bucket, mark);
        Round round = caughtUp.last();
        long applied = caughtUp.applied();
        int rounds = caughtUp.rounds();

        step(id, Step.FREEZE);
        crash("FREEZE");
        long[] lastChanges = new long[1];
        Held freeze;
        try {
            freeze = freezeAndFlip(source, target, bucket, to, round.mark(), round.copySums(), true, lastChanges);
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
        record Open(long id, int bucket, int from, int to, Step step) {
        }
        requireLock();
        List<Open> open = Transactions.read(database.catalog(), connection -> {
            List<Open> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, bucket, from_shard, to_shard, step FROM bucket_moves WHERE finished_at IS NULL ORDER BY id");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Open(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4),
                            Step.valueOf(rs.getString(5))));
                }
            }
            return rows;
        });
        database.refreshDirectory();
        List<Result> results = new ArrayList<>();
        for (Open move : open) {
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
                            name(move.bucket(), move.to());
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
                                CaughtUp caughtUp = catchUpRounds(source, target, move.bucket(), Mark.ALL);
                                since = caughtUp.last().mark();
                                copySums = caughtUp.last().copySums();
                                applied[0] += caughtUp.applied();
                            }
                            freeze = freezeAndFlip(source, target, move.bucket(), move.to(), since, copySums, held,
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

    /** Copies the bucket's rows from S to T; returns where the catch-up starts. */
    private Mark copy(DataSource source, DataSource target, int bucket, long[] copied) {
        return inSnapshot(source, s -> {
            Mark mark;
            try (PreparedStatement select = s.prepareStatement("""
                    SELECT pg_snapshot_xmin(pg_current_snapshot())::text,
                           (SELECT coalesce(max(id), 0) FROM bucket_changes WHERE bucket = ?)""")) {
                select.setInt(1, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    mark = new Mark(rs.getLong(2), rs.getString(1));
                }
            }
            Transactions.inTransaction(target, t -> {
                for (Table table : TABLES.reversed()) {
                    execute(t, "DELETE FROM " + table.name() + " WHERE bucket = ?", bucket);
                }
                for (Table table : TABLES) {
                    try (PreparedStatement select = s.prepareStatement(
                            "SELECT to_jsonb(r)::text FROM " + table.name() + " r WHERE bucket = ?")) {
                        select.setFetchSize(BATCH);
                        select.setInt(1, bucket);
                        List<String> batch = new ArrayList<>();
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                batch.add(rs.getString(1));
                                if (batch.size() == BATCH) {
                                    copied[0] += upsertNow(t, table, batch);
                                    batch.clear();
                                }
                            }
                        }
                        copied[0] += upsertNow(t, table, batch);
                    }
                }
                return null;
            });
            return mark;
        });
    }

    /**
     * What a catch-up round did: the mark after it, how many changed keys it wrote to T, and T's
     * count and checksum of each table's rows of the bucket once they were written.
     */
    private record Round(Mark mark, long changes, List<long[]> copySums) {
    }

    /** Catch-up rounds from {@code since}, until one finds few changes: what is left for the freeze is small. */
    private record CaughtUp(Round last, long applied, int rounds) {
    }

    private CaughtUp catchUpRounds(DataSource source, DataSource target, int bucket, Mark since) {
        long applied = 0;
        int rounds = 0;
        Mark mark = since;
        Round round;
        do {
            rounds++;
            round = catchUp(source, target, bucket, mark);
            mark = round.mark();
            applied += round.changes();
        } while (round.changes() >= SMALL_ROUND && rounds < MAX_ROUNDS);
        return new CaughtUp(round, applied, rounds);
    }

    /** One catch-up round: the changes after {@code since}, read in one snapshot of S, written to T. */
    private Round catchUp(DataSource source, DataSource target, int bucket, Mark since) {
        return inSnapshot(source, s -> {
            Changes changes = new Changes(since);
            changes.read(new RoundTrip(), bucket).run(s);
            List<long[]> copySums = new ArrayList<>();
            Transactions.inTransaction(target, t -> {
                writes(t, changes).then(UTC).query(CHECKSUMS, rs -> copySums.add(sums(rs)), perTable(bucket)).run(t);
                return null;
            });
            return new Round(changes.mark, changes.keys, copySums);
        });
    }

    // The changes after a mark, with each changed row as it is now (NULL when gone), in one statement.
    // The first row is not a change: the snapshot's xmin and the last log id read (the new mark).
    // S is in a REPEATABLE READ transaction (a catch-up round), or frozen, or the bucket has no owner
    // (then its rows cannot change).
    private static final String CHANGES = """
            WITH c AS MATERIALIZED (
                SELECT id, tbl, key FROM bucket_changes WHERE bucket = ? AND (id > ? OR xid >= ?::xid8))
            SELECT -1 AS t, pg_snapshot_xmin(pg_current_snapshot())::text AS key, (SELECT max(id) FROM c)::text AS row
            """ + String.join("", TABLES.stream().map(table -> """
            UNION ALL
            SELECT %d, k.key::text, CASE WHEN r.bucket IS NULL THEN NULL ELSE to_jsonb(r)::text END
            FROM (SELECT DISTINCT key FROM c WHERE tbl = '%s') k
            CROSS JOIN LATERAL jsonb_populate_record(NULL::%s, k.key) p
            LEFT JOIN %s r ON r.bucket = ? AND %s
            """.formatted(TABLES.indexOf(table), table.name(), table.name(), table.name(),
                    String.join(" AND ", table.key().stream().map(c -> "r." + c + " = p." + c).toList())))
            .toList());

    /** The statements that bring T's copy of the changed rows up to date: deletions first, children first. */
    private RoundTrip writes(Connection t, Changes changes) throws SQLException {
        RoundTrip writes = new RoundTrip();
        for (Table table : TABLES.reversed()) {
            List<String> deleted = changes.gone.getOrDefault(table, List.of());
            if (!deleted.isEmpty()) {
                String match = String.join(" AND ", table.key().stream().map(c -> "r." + c + " = k." + c).toList());
                writes.then("DELETE FROM " + table.name() + " r USING jsonb_populate_recordset(NULL::" + table.name()
                        + ", ?::jsonb) k WHERE " + match, "[" + String.join(",", deleted) + "]");
            }
        }
        for (Table table : TABLES) {
            upsert(t, writes, table, changes.present.getOrDefault(table, List.of()));
        }
        return writes;
    }

    /** Adds to {@code writes} the insert-or-replace of {@code rows} (each a JSON object of a row); returns how many. */
    private int upsert(Connection t, RoundTrip writes, Table table, List<String> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        List<String> cols = columns(t, table.name());
        String list = String.join(", ", cols);
        String excluded = String.join(", ", cols.stream().map(c -> "excluded." + c).toList());
        writes.then("INSERT INTO " + table.name() + " (" + list + ") SELECT " + list
                + " FROM jsonb_populate_recordset(NULL::" + table.name() + ", ?::jsonb) ON CONFLICT ("
                + String.join(", ", table.key()) + ") DO UPDATE SET (" + list + ") = ROW(" + excluded + ")",
                "[" + String.join(",", rows) + "]");
        return rows.size();
    }

    private int upsertNow(Connection t, Table table, List<String> rows) throws SQLException {
        RoundTrip upsert = new RoundTrip();
        int count = upsert(t, upsert, table, rows);
        upsert.run(t);
        return count;
    }

    private synchronized List<String> columns(Connection connection, String table) throws SQLException {
        List<String> known = columns.get(table);
        if (known == null) {
            known = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT column_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""")) {
                select.setString(1, table);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1));
                    }
                }
            }
            columns.put(table, List.copyOf(known));
        }
        return known;
    }

    /**
     * FREEZE, VERIFY and FLIP. Returns the freeze in milliseconds, or NaN when the copies differ
     * (nothing is committed then: S still owns the bucket if it did, T does not).
     *
     * <p>{@code held}: S owns the bucket and freezes it first. Otherwise S let go of it earlier (a
     * resume after a crash between S's commit and T's) and its rows of the bucket cannot change.
     *
     * <p>Why the copy equals the source when T takes the bucket: the verification compares the
     * count and checksum of every row of the bucket on both sides, not only of the last changes,
     * while S's rows of the bucket cannot change (frozen: the writes that held the bucket have
     * ended and new ones wait; or owned by no one). T's side is summed after T wrote the last
     * changes, in the transaction that commits them; or, when the freeze finds no change since the
     * last catch-up round ({@code copySums}), by that round, in the transaction that committed its
     * writes: from then on nothing writes T's rows of the bucket, as nothing but this mover writes
     * a bucket's rows on a shard that does not own it (every write checks ownership inside its
     * transaction, the fence this whole design stands on) and T does not own it until the end of
     * the freeze. S then commits only the deletion of its ownership row, and T only what was
     * summed plus its ownership row. So the proof does not rest on the change log being complete:
     * a change the log missed shows as a difference and the move is rolled back. (Summing only the
     * last changes under the freeze, trusting an earlier sum for the rest, would rest on the log;
     * the full sums cost little, as both sides find a bucket's rows through its index, and they
     * travel in round trips the freeze makes anyway.)
     */
    private Held freezeAndFlip(DataSource source, DataSource target, int bucket, int to, Mark mark,
            List<long[]> copySums, boolean held, long[] applied) {
        // Every connection taken before the freeze: taking one may cost a round trip (the pool checks
        // a connection idle for a while).
        try (Connection s = source.getConnection(); Connection t = target.getConnection();
                Connection c = database.catalog().getConnection()) {
            s.setAutoCommit(false);
            t.setAutoCommit(false);
            c.setAutoCommit(false);
            for (Table table : TABLES) {
                columns(t, table.name()); // known before the freeze, for writing the last changes
            }
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
                changes.read(here, bucket).then(UTC).query(CHECKSUMS, rs -> ours.add(sums(rs)), perTable(bucket));
                if (held) {
                    here.then("DELETE FROM owned_buckets WHERE bucket = ?", bucket);
                }
                here.run(s);
                if (!owned[0]) {
                    throw new IllegalStateException("shard no longer owns bucket " + bucket + " at the freeze");
                }
                applied[0] += changes.keys;
                // Nothing changed since the last catch-up round: T's rows are as that round summed them.
                boolean unchanged = changes.keys == 0 && copySums != null;
                List<long[]> copy;
                if (unchanged) {
                    copy = copySums;
                } else {
                    // T, in one round trip: the last changes, T's sums, and the bucket, uncommitted.
                    List<long[]> summed = new ArrayList<>();
                    writes(t, changes).then(UTC).query(CHECKSUMS, rs -> summed.add(sums(rs)), perTable(bucket))
                            .then(TAKE, bucket).run(t);
                    copy = summed;
                }
                if (!same(ours, copy)) {
                    settle(named);
                    c.rollback();
                    s.rollback();
                    t.rollback();
                    return Held.NOT;
                }
                crash("FLIP");
                s.commit();
                crash("RELEASED");
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

    /** The directory names {@code to} for the bucket. */
    private void name(int bucket, int to) {
        try (Connection c = database.catalog().getConnection()) {
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

    private static final String CHECKSUMS = String.join(" UNION ALL ", TABLES.stream()
            .map(table -> "(SELECT " + TABLES.indexOf(table) + " AS t, count(*), coalesce(sum(hashtext(r::text)::bigint),"
                    + " 0)::bigint FROM " + table.name() + " r WHERE bucket = ?)")
            .toList()) + " ORDER BY t";

    private static long[] sums(ResultSet rs) throws SQLException {
        return new long[] {rs.getLong(2), rs.getLong(3)};
    }

    /** Count and checksum of each table's rows of the bucket, equal on both sides. */
    private static boolean same(List<long[]> here, List<long[]> there) {
        if (here.size() != there.size()) {
            return false;
        }
        for (int i = 0; i < here.size(); i++) {
            if (here.get(i)[0] != there.get(i)[0] || here.get(i)[1] != there.get(i)[1]) {
                return false;
            }
        }
        return true;
    }

    /** The bucket once per table: the parameters of {@link #CHECKSUMS}. */
    private static Object[] perTable(int bucket) {
        Object[] values = new Object[TABLES.size()];
        Arrays.fill(values, bucket);
        return values;
    }

    private void cleanUp(long id, DataSource source, int bucket, Long copied, long applied, double freeze) {
        step(id, Step.CLEANUP);
        crash("CLEANUP");
        Transactions.inTransaction(source, s -> {
            try (PreparedStatement select = s.prepareStatement("SELECT 1 FROM owned_buckets WHERE bucket = ? FOR UPDATE")) {
                select.setInt(1, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalStateException("refusing to clean up bucket " + bucket + ": its shard owns it");
                    }
                }
            }
            execute(s, "DELETE FROM moving_buckets WHERE bucket = ?", bucket);
            for (Table table : TABLES.reversed()) {
                execute(s, "DELETE FROM " + table.name() + " WHERE bucket = ?", bucket);
            }
            execute(s, "DELETE FROM bucket_changes WHERE bucket = ?", bucket);
            return null;
        });
        Transactions.inTransaction(database.catalog(), c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE bucket_moves SET step = 'DONE', updated_at = now(), finished_at = now(),
                        rows_copied = coalesce(?, rows_copied), changes_applied = coalesce(changes_applied, 0) + ?,
                        freeze_ms = coalesce(?, freeze_ms) WHERE id = ?""")) {
                update.setObject(1, copied);
                update.setLong(2, applied);
                update.setObject(3, Double.isNaN(freeze) ? null : freeze);
                update.setLong(4, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * T drops its copy (it must not own the bucket), S stops logging, the directory names S; the
     * journal says so. {@code reclaim}: S had let go of the bucket (a resume that failed to verify
     * after S's commit) and takes it back; safe because T does not own it and S's rows are intact
     * (they are deleted only once T owns the bucket).
     */
    private void rollBack(long id, DataSource source, DataSource target, int bucket, int from, int to, boolean reclaim,
            String note) {
        requireLock();
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
            for (Table table : TABLES.reversed()) {
                execute(t, "DELETE FROM " + table.name() + " WHERE bucket = ?", bucket);
            }
            return null;
        });
        Transactions.inTransaction(source, s -> {
            if (reclaim) {
                execute(s, TAKE, bucket);
            }
            execute(s, "DELETE FROM moving_buckets WHERE bucket = ?", bucket);
            execute(s, "DELETE FROM bucket_changes WHERE bucket = ?", bucket);
            return null;
        });
        Transactions.inTransaction(database.catalog(), c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE bucket_moves SET step = 'ROLLED_BACK', updated_at = now(), finished_at = now(), note = ?
                    WHERE id = ?""")) {
                update.setString(1, note);
                update.setLong(2, id);
                update.executeUpdate();
            }
            // The directory may already name T if T's commit failed after it (both run at once).
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE bucket_directory SET shard_id = ? WHERE bucket = ? AND shard_id = ?")) {
                update.setInt(1, from);
                update.setInt(2, bucket);
                update.setInt(3, to);
                update.executeUpdate();
            }
            return null;
        });
    }

    private void step(long id, Step step) {
        requireLock();
        Transactions.inTransaction(database.catalog(), c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE bucket_moves SET step = ?, updated_at = now() WHERE id = ?")) {
                update.setString(1, step.name());
                update.setLong(2, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The move lock is a session lock: held for as long as its connection lives, and released by
     * the server if that connection ends (a catalog restart, a dropped link), when another mover
     * may take it. So before each step of a move this mover checks that its session still answers,
     * and stops otherwise rather than work beside another; the journal lets the next run resume.
     */
    private void requireLock() {
        boolean held;
        try {
            held = lock.isValid(LOCK_CHECK_SECONDS);
        } catch (SQLException e) {
            held = false;
        }
        if (!held) {
            throw new DatabaseUnavailableException("lost the catalog's move lock (its connection ended): stopped"
                    + " before the next step so that no two movers work at once; run the rebalance again", null);
        }
    }

    private void crash(String point) {
        if (Objects.equals(crashAt, point)) {
            if (survivesCrash) {
                crashAt = null; // once
                throw new DatabaseUnavailableException("injected failure at " + point, null);
            }
            throw new SimulatedCrash(point);
        }
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

    private static <T> T inSnapshot(DataSource source, SqlWork<T> work) {
        try (Connection connection = source.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
    }

    private static void execute(Connection connection, String sql, int bucket) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, bucket);
            statement.execute();
        }
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
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
        catalogWork.shutdown();
        closeQuietly(lock);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a session releases its advisory lock whatever the answer
        }
    }
}
