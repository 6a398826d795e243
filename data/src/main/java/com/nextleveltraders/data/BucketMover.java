package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *     holds new ones), the last changes, then VERIFY: count and an order-independent
 *     checksum of each table's rows of the bucket, equal on S and T, or the move is rolled back.
 * <li>FLIP: S deletes its ownership row and commits (the held writes then find no owner and retry),
 *     T takes ownership, the directory names T. S lets go first, so two shards never own the bucket
 *     at once; writers retry with backoff in the few milliseconds in between. The freeze is measured
 *     from holding the row to the directory naming T.
 * <li>CLEANUP: S deletes the bucket's rows, its log and its mark.
 * </ol>
 *
 * <p>Only one mover works at a time: it holds a session advisory lock on the catalog over a
 * connection of its own, released when the mover is closed or its process dies.
 */
public final class BucketMover implements AutoCloseable {

    /** The steps of a move as the journal records them. */
    public enum Step { START, COPY, CATCHUP, FREEZE, FLIP, CLEANUP, DONE, ROLLED_BACK }

    /**
     * What one move did.
     *
     * @param moved whether the bucket now lives on {@code toShard}; false when rolled back ({@code note} says why)
     * @param rowsCopied rows of the bucket copied to the new shard
     * @param changesApplied changed rows read again and written to the new shard after the copy
     * @param freezeMillis how long writes to the bucket were held, or NaN when it never froze
     */
    public record Result(long journalId, int bucket, int fromShard, int toShard, boolean moved, long rowsCopied,
            long changesApplied, int catchupRounds, double freezeMillis, String note) {
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

    // In foreign-key order: accounts before the orders that name them, orders before their trades.
    private static final List<Table> TABLES = List.of(new Table("accounts", List.of("user_id")),
            new Table("orders", List.of("id")), new Table("trades", List.of("id")),
            new Table("positions", List.of("user_id", "symbol")));
    // "nlt move" in ASCII, the key of the catalog advisory lock.
    static final long LOCK_KEY = 0x6e6c74206d6f7665L;
    private static final int BATCH = 500;
    private static final int SMALL_ROUND = 20;
    private static final int MAX_ROUNDS = 50;

    private final Database database;
    private final Connection lock;
    private final Map<String, List<String>> columns = new HashMap<>();
    /** Test hook: the crash point at which to stop dead (START, COPY, CATCHUP, FREEZE, FLIP, RELEASED, CLEANUP). */
    volatile String crashAt;

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
            execute(connection, "INSERT INTO moving_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING", bucket);
            if (!Ownership.freeze(connection, bucket)) {
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
        long applied = 0;
        int rounds = 0;
        while (rounds < MAX_ROUNDS) {
            rounds++;
            long[] count = new long[1];
            Mark since = mark;
            mark = inSnapshot(source, connection -> apply(connection, target, bucket, since, count));
            applied += count[0];
            if (count[0] < SMALL_ROUND) {
                break;
            }
        }

        step(id, Step.FREEZE);
        crash("FREEZE");
        long[] lastChanges = new long[1];
        double freeze = freezeAndFlip(id, source, target, bucket, to, mark, lastChanges);
        applied += lastChanges[0];
        if (Double.isNaN(freeze)) {
            String note = "verification failed: the copy on shard " + to + " differs from shard " + from;
            rollBack(id, source, target, bucket, note);
            return new Result(id, bucket, from, to, false, copied[0], applied, rounds, Double.NaN, note);
        }
        cleanUp(id, source, bucket, copied[0], applied, freeze);
        return new Result(id, bucket, from, to, true, copied[0], applied, rounds, freeze, null);
    }

    /**
     * Finishes or rolls back every move the journal has not finished (a mover that crashed): one
     * that had not reached the freeze is rolled back (the bucket stays where it was and may be moved
     * again); one that had is finished, reading again every change logged since it started.
     */
    public List<Result> resume() {
        record Open(long id, int bucket, int from, int to, Step step) {
        }
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
                    rollBack(move.id(), source, target, move.bucket(), note);
                    results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), false, 0, 0, 0,
                            Double.NaN, note));
                }
                case FREEZE, FLIP, CLEANUP -> {
                    double freeze = Double.NaN;
                    long[] applied = new long[1];
                    if (move.step() != Step.CLEANUP) {
                        if (owns(source, move.bucket())) {
                            freeze = freezeAndFlip(move.id(), source, target, move.bucket(), move.to(), Mark.ALL,
                                    applied);
                            if (Double.isNaN(freeze)) {
                                String note = "verification failed while finishing an interrupted move";
                                rollBack(move.id(), source, target, move.bucket(), note);
                                results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), false, 0,
                                        applied[0], 0, Double.NaN, note));
                                continue;
                            }
                        } else {
                            // S let go after verifying: T holds everything; finish the flip.
                            flipTo(target, move.bucket(), move.to());
                        }
                    }
                    cleanUp(move.id(), source, move.bucket(), null, applied[0], freeze);
                    results.add(new Result(move.id(), move.bucket(), move.from(), move.to(), true, 0, applied[0], 0,
                            freeze, "finished after an interrupted " + move.step()));
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
                                    copied[0] += upsert(t, table, batch);
                                    batch.clear();
                                }
                            }
                        }
                        copied[0] += upsert(t, table, batch);
                    }
                }
                return null;
            });
            return mark;
        });
    }

    /**
     * Reads on {@code s} the changes after {@code since} and writes the changed rows' current
     * state to T; {@code s} is in a REPEATABLE READ transaction, or frozen. Returns the new mark.
     */
    private Mark apply(Connection s, DataSource target, int bucket, Mark since, long[] count) throws SQLException {
        String xmin;
        long lastId = since.lastId();
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement select = s.prepareStatement("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            xmin = rs.getString(1);
        }
        try (PreparedStatement select = s.prepareStatement(
                "SELECT id, tbl, key::text FROM bucket_changes WHERE bucket = ? AND (id > ? OR xid >= ?::xid8)")) {
            select.setInt(1, bucket);
            select.setLong(2, since.lastId());
            select.setString(3, since.xmin());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    lastId = Math.max(lastId, rs.getLong(1));
                    keys.computeIfAbsent(rs.getString(2), table -> new LinkedHashSet<>()).add(rs.getString(3));
                }
            }
        }
        if (keys.isEmpty()) {
            return new Mark(lastId, xmin);
        }
        Map<Table, List<String>> present = new LinkedHashMap<>();
        Map<Table, List<String>> gone = new LinkedHashMap<>();
        for (Table table : TABLES) {
            Set<String> changed = keys.getOrDefault(table.name(), Set.of());
            if (changed.isEmpty()) {
                continue;
            }
            count[0] += changed.size();
            Set<String> missing = new LinkedHashSet<>(changed);
            List<String> rows = new ArrayList<>();
            String keyObject = table.key().stream().map(c -> "'" + c + "', r." + c)
                    .reduce((a, b) -> a + ", " + b).orElseThrow();
            try (PreparedStatement select = s.prepareStatement("SELECT to_jsonb(r)::text, jsonb_build_object("
                    + keyObject + ")::text FROM " + table.name() + " r JOIN jsonb_populate_recordset(NULL::"
                    + table.name() + ", ?::jsonb) k USING (" + String.join(", ", table.key()) + ") WHERE r.bucket = ?")) {
                select.setString(1, "[" + String.join(",", changed) + "]");
                select.setInt(2, bucket);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                        missing.remove(rs.getString(2));
                    }
                }
            }
            present.put(table, rows);
            gone.put(table, new ArrayList<>(missing));
        }
        Transactions.inTransaction(target, t -> {
            for (Table table : TABLES.reversed()) {
                List<String> deleted = gone.getOrDefault(table, List.of());
                if (!deleted.isEmpty()) {
                    String match = table.key().stream().map(c -> "r." + c + " = k." + c)
                            .reduce((a, b) -> a + " AND " + b).orElseThrow();
                    try (PreparedStatement delete = t.prepareStatement("DELETE FROM " + table.name()
                            + " r USING jsonb_populate_recordset(NULL::" + table.name() + ", ?::jsonb) k WHERE " + match)) {
                        delete.setString(1, "[" + String.join(",", deleted) + "]");
                        delete.executeUpdate();
                    }
                }
            }
            for (Table table : TABLES) {
                upsert(t, table, present.getOrDefault(table, List.of()));
            }
            return null;
        });
        return new Mark(lastId, xmin);
    }

    /** Inserts or replaces {@code rows} (each a JSON object of a row) in one statement; returns how many. */
    private int upsert(Connection t, Table table, List<String> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        List<String> cols = columns(t, table.name());
        String list = String.join(", ", cols);
        String excluded = cols.stream().map(c -> "excluded." + c).reduce((a, b) -> a + ", " + b).orElseThrow();
        try (PreparedStatement insert = t.prepareStatement("INSERT INTO " + table.name() + " (" + list + ") SELECT "
                + list + " FROM jsonb_populate_recordset(NULL::" + table.name() + ", ?::jsonb) ON CONFLICT ("
                + String.join(", ", table.key()) + ") DO UPDATE SET (" + list + ") = ROW(" + excluded + ")")) {
            insert.setString(1, "[" + String.join(",", rows) + "]");
            insert.executeUpdate();
        }
        return rows.size();
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
     * (the freeze is then let go and S still owns the bucket).
     */
    private double freezeAndFlip(long id, DataSource source, DataSource target, int bucket, int to, Mark mark,
            long[] applied) {
        try (Connection s = source.getConnection()) {
            s.setAutoCommit(false);
            try {
                if (!Ownership.freeze(s, bucket)) {
                    throw new IllegalStateException("shard no longer owns bucket " + bucket + " at the freeze");
                }
                long frozen = System.nanoTime();
                apply(s, target, bucket, mark, applied);
                if (!verify(s, target, bucket)) {
                    s.rollback();
                    return Double.NaN;
                }
                step(id, Step.FLIP);
                crash("FLIP");
                execute(s, "DELETE FROM owned_buckets WHERE bucket = ?", bucket);
                s.commit();
                crash("RELEASED");
                flipTo(target, bucket, to);
                return (System.nanoTime() - frozen) / 1e6;
            } catch (SimulatedCrash crash) {
                throw crash; // the connection closes: the server rolls the freeze back, as if the mover had died
            } catch (SQLException | RuntimeException e) {
                s.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Transactions.translate(e);
        }
    }

    /** T owns the bucket, then the directory names T. */
    private void flipTo(DataSource target, int bucket, int to) {
        Transactions.inTransaction(target, t -> {
            execute(t, "INSERT INTO owned_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING", bucket);
            return null;
        });
        Transactions.inTransaction(database.catalog(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE bucket_directory SET shard_id = ? WHERE bucket = ?")) {
                update.setInt(1, to);
                update.setInt(2, bucket);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Count and checksum of each table's rows of the bucket, equal on both. Both sides are summed
     * at once (T's on another thread), each in one statement: this runs inside the freeze.
     */
    private static boolean verify(Connection s, DataSource target, int bucket) throws SQLException {
        var there = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Transactions.inTransaction(target, t -> checksums(t, bucket)),
                task -> Thread.ofVirtual().name("verify-target").start(task));
        List<long[]> here = checksums(s, bucket);
        List<long[]> theirs;
        try {
            theirs = there.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        for (int i = 0; i < here.size(); i++) {
            if (here.get(i)[0] != theirs.get(i)[0] || here.get(i)[1] != theirs.get(i)[1]) {
                return false;
            }
        }
        return true;
    }

    private static final String CHECKSUMS = String.join(" UNION ALL ", TABLES.stream()
            .map(table -> "(SELECT " + TABLES.indexOf(table) + " AS t, count(*), coalesce(sum(hashtext(r::text)::bigint),"
                    + " 0)::bigint FROM " + table.name() + " r WHERE bucket = ?)")
            .toList()) + " ORDER BY t";

    private static List<long[]> checksums(Connection connection, int bucket) throws SQLException {
        // A row's text depends on the session's time zone (timestamptz): the same on both sides.
        try (PreparedStatement set = connection.prepareStatement("SET LOCAL TimeZone = 'UTC'")) {
            set.execute();
        }
        List<long[]> sums = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(CHECKSUMS)) {
            for (int i = 1; i <= TABLES.size(); i++) {
                select.setInt(i, bucket);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    sums.add(new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return sums;
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

    /** T drops its copy (it must not own the bucket), S stops logging; the journal says so. */
    private void rollBack(long id, DataSource source, DataSource target, int bucket, String note) {
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
            return null;
        });
    }

    private void step(long id, Step step) {
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

    private void crash(String point) {
        if (Objects.equals(crashAt, point)) {
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
