package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The catalog's move journal ({@code bucket_moves}): one row per move, its step written before the
 * step is taken, so that a mover that crashed is resumed from it. Each method is one transaction
 * on the catalog.
 */
final class MoveJournal {

    /**
     * The steps of a move as the journal records them ({@code bucket_moves.step} holds the name).
     * FLIP is no longer written (the flip happens inside the freeze, which FREEZE covers); a
     * journal that says FLIP resumes as FREEZE does.
     */
    enum Step { START, COPY, CATCHUP, FREEZE, FLIP, CLEANUP, DONE, ROLLED_BACK }

    /** A move the journal has not finished. */
    record Open(long id, int bucket, int from, int to, Step step) {
    }

    private final DataSource catalog;

    MoveJournal(DataSource catalog) {
        this.catalog = catalog;
    }

    /** Records a new move at START; returns its id. */
    long start(int bucket, int from, int to) {
        return Transactions.inTransaction(catalog, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO bucket_moves (bucket, from_shard, to_shard, step, started_at, updated_at)
                    VALUES (?, ?, ?, ?, now(), now()) RETURNING id""")) {
                insert.setInt(1, bucket);
                insert.setInt(2, from);
                insert.setInt(3, to);
                insert.setString(4, Step.START.name());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void step(long id, Step step) {
        Transactions.inTransaction(catalog, c -> {
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
     * The move is DONE. {@code copied}: rows copied, null when not known (a resumed move keeps what
     * the journal says); {@code applied} adds to the changes applied; {@code freezeMillis} NaN when
     * this run did not freeze.
     */
    void done(long id, Long copied, long applied, double freezeMillis) {
        Transactions.inTransaction(catalog, c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE bucket_moves SET step = ?, updated_at = now(), finished_at = now(),
                        rows_copied = coalesce(?, rows_copied), changes_applied = coalesce(changes_applied, 0) + ?,
                        freeze_ms = coalesce(?, freeze_ms) WHERE id = ?""")) {
                update.setString(1, Step.DONE.name());
                update.setObject(2, copied);
                update.setLong(3, applied);
                update.setObject(4, Double.isNaN(freezeMillis) ? null : freezeMillis);
                update.setLong(5, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The move is ROLLED_BACK, for {@code note}'s reason, and in the same transaction the directory
     * names {@code from} again if it named {@code to} (T's commit may have failed after the
     * directory's: both run at once).
     */
    void rolledBack(long id, String note, int bucket, int from, int to) {
        Transactions.inTransaction(catalog, c -> {
            try (PreparedStatement update = c.prepareStatement("""
                    UPDATE bucket_moves SET step = ?, updated_at = now(), finished_at = now(), note = ?
                    WHERE id = ?""")) {
                update.setString(1, Step.ROLLED_BACK.name());
                update.setString(2, note);
                update.setLong(3, id);
                update.executeUpdate();
            }
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

    /** The moves not finished, oldest first. */
    List<Open> open() {
        return Transactions.read(catalog, connection -> {
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
    }
}
