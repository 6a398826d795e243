package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** How many bucket moves the catalog's journal holds, by the step each is at ({@code DONE} for those finished). */
public final class MoveCounts {

    private MoveCounts() {
    }

    /** Every step with its number of moves, in journal order; a step no move is at is absent. */
    public static Map<String, Long> byStep(DataSource catalog) {
        return Transactions.read(catalog, connection -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (MoveJournal.Step step : MoveJournal.Step.values()) {
                counts.put(step.name(), 0L);
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT step, count(*) FROM bucket_moves GROUP BY step");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }
}
