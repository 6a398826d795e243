package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.BucketTables.ALL;
import static com.nextleveltraders.data.rebalance.BucketTables.CHECKSUMS;
import static com.nextleveltraders.data.rebalance.BucketTables.UTC;

import com.nextleveltraders.data.RoundTrip;
import com.nextleveltraders.data.SqlWork;
import com.nextleveltraders.data.Transactions;
import com.nextleveltraders.data.rebalance.BucketTables.Table;
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
import javax.sql.DataSource;

/**
 * Brings the new shard T's copy of a bucket up to the old shard S's rows while S still takes
 * writes: the COPY, read in one REPEATABLE READ snapshot of S and written in batches, then CATCHUP
 * rounds that read the logged changes again on S (one snapshot per round) and write those rows to
 * T, or delete them there when gone on S, until a round finds few changes. A change logged by a
 * transaction still running when a round looked is read again next round (log ids are taken in
 * one order and committed in another). The freeze applies the last changes with the same
 * statements ({@link Changes}, {@link #writes}).
 */
final class RowCopier {

    private static final int SMALL_ROUND = 20;
    private static final int MAX_ROUNDS = 50;

    /** Where the catch-up stands: log ids up to {@code lastId} applied, except those of transactions from {@code xmin} on. */
    record Mark(long lastId, String xmin) {
        static final Mark ALL = new Mark(0, "0");
    }

    /**
     * What a catch-up round did: the mark after it, how many changed keys it wrote to T, and T's
     * count and checksum of each table's rows of the bucket once they were written.
     */
    record Round(Mark mark, long changes, List<long[]> copySums) {
    }

    /** Catch-up rounds from a mark, until one found few changes: what is left for the freeze is small. */
    record CaughtUp(Round last, long applied, int rounds) {
    }

    // The changes after a mark, with each changed row as it is now (NULL when gone), in one statement.
    // The first row is not a change: the snapshot's xmin and the last log id read (the new mark).
    // S is in a REPEATABLE READ transaction (a catch-up round), or frozen, or the bucket has no owner
    // (then its rows cannot change).
    private static final String CHANGES = """
            WITH c AS MATERIALIZED (
                SELECT id, tbl, key FROM bucket_changes WHERE bucket = ? AND (id > ? OR xid >= ?::xid8))
            SELECT -1 AS t, pg_snapshot_xmin(pg_current_snapshot())::text AS key, (SELECT max(id) FROM c)::text AS row
            """ + String.join("", ALL.stream().map(table -> """
            UNION ALL
            SELECT %d, k.key::text, CASE WHEN r.bucket IS NULL THEN NULL ELSE to_jsonb(r)::text END
            FROM (SELECT DISTINCT key FROM c WHERE tbl = '%s') k
            CROSS JOIN LATERAL jsonb_populate_record(NULL::%s, k.key) p
            LEFT JOIN %s r ON r.bucket = ? AND %s
            """.formatted(ALL.indexOf(table), table.name(), table.name(), table.name(),
                    String.join(" AND ", table.key().stream().map(c -> "r." + c + " = p." + c).toList())))
            .toList());

    /**
     * The bucket's changes after a mark, as read on S: per table the changed rows as they are now
     * (JSON objects) and the keys of those now gone; how many keys; and the mark after them.
     */
    static final class Changes {
        private final Map<Table, List<String>> present = new LinkedHashMap<>();
        private final Map<Table, List<String>> gone = new LinkedHashMap<>();
        private final Mark since;
        private int keys;
        private Mark mark;

        Changes(Mark since) {
            this.since = since;
            this.mark = since;
        }

        /** Adds the reading of the changes to {@code trip}, its rows to these. */
        RoundTrip read(RoundTrip trip, int bucket) {
            Object[] parameters = new Object[3 + ALL.size()];
            parameters[0] = bucket;
            parameters[1] = since.lastId();
            parameters[2] = since.xmin();
            Arrays.fill(parameters, 3, parameters.length, bucket);
            return trip.query(CHANGES, this::row, parameters);
        }

        /** How many changed keys were read. */
        int keys() {
            return keys;
        }

        /** The mark after the changes read. */
        Mark mark() {
            return mark;
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
            (row == null ? gone : present).computeIfAbsent(ALL.get(table), t -> new ArrayList<>())
                    .add(row == null ? rs.getString(2) : row);
        }
    }

    private final int batch;
    private final Map<String, List<String>> columns = new HashMap<>();

    /** {@code batch}: rows of one table copied per statement ({@code database.sharding.moveBatch}). */
    RowCopier(int batch) {
        this.batch = batch;
    }

    /** Copies the bucket's rows from S to T, replacing any T had; returns where the catch-up starts. */
    Mark copy(DataSource source, DataSource target, int bucket, long[] copied) {
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
                BucketTables.deleteRows(t, bucket);
                for (Table table : ALL) {
                    try (PreparedStatement select = s.prepareStatement(
                            "SELECT to_jsonb(r)::text FROM " + table.name() + " r WHERE bucket = ?")) {
                        select.setFetchSize(batch);
                        select.setInt(1, bucket);
                        List<String> rows = new ArrayList<>();
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                rows.add(rs.getString(1));
                                if (rows.size() == batch) {
                                    copied[0] += upsertNow(t, table, rows);
                                    rows.clear();
                                }
                            }
                        }
                        copied[0] += upsertNow(t, table, rows);
                    }
                }
                return null;
            });
            return mark;
        });
    }

    /** Catch-up rounds from {@code since}, until one finds few changes (or too many rounds went by). */
    CaughtUp catchUp(DataSource source, DataSource target, int bucket, Mark since) {
        long applied = 0;
        int rounds = 0;
        Mark mark = since;
        Round round;
        do {
            rounds++;
            round = round(source, target, bucket, mark);
            mark = round.mark();
            applied += round.changes();
        } while (round.changes() >= SMALL_ROUND && rounds < MAX_ROUNDS);
        return new CaughtUp(round, applied, rounds);
    }

    /** One catch-up round: the changes after {@code since}, read in one snapshot of S, written to T. */
    private Round round(DataSource source, DataSource target, int bucket, Mark since) {
        return inSnapshot(source, s -> {
            Changes changes = new Changes(since);
            changes.read(new RoundTrip(), bucket).run(s);
            List<long[]> copySums = new ArrayList<>();
            Transactions.inTransaction(target, t -> {
                writes(t, changes).then(UTC).query(CHECKSUMS, rs -> copySums.add(BucketTables.sums(rs)),
                        BucketTables.perTable(bucket)).run(t);
                return null;
            });
            return new Round(changes.mark, changes.keys, copySums);
        });
    }

    /** The statements that bring T's copy of the changed rows up to date: deletions first, children first. */
    RoundTrip writes(Connection t, Changes changes) throws SQLException {
        RoundTrip writes = new RoundTrip();
        for (Table table : ALL.reversed()) {
            List<String> deleted = changes.gone.getOrDefault(table, List.of());
            if (!deleted.isEmpty()) {
                String match = String.join(" AND ", table.key().stream().map(c -> "r." + c + " = k." + c).toList());
                writes.then("DELETE FROM " + table.name() + " r USING jsonb_populate_recordset(NULL::" + table.name()
                        + ", ?::jsonb) k WHERE " + match, "[" + String.join(",", deleted) + "]");
            }
        }
        for (Table table : ALL) {
            upsert(t, writes, table, changes.present.getOrDefault(table, List.of()));
        }
        return writes;
    }

    /** Reads T's columns of every table now, so that writing the last changes under the freeze need not. */
    void knowColumns(Connection t) throws SQLException {
        for (Table table : ALL) {
            columns(t, table.name());
        }
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
}
