package com.nextleveltraders.data.rebalance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The tables whose rows belong to a bucket, and the count and order-independent checksum of a
 * bucket's rows in each, by which a move verifies that the copy equals the source.
 */
final class BucketTables {

    /** A table of a bucket's rows and the columns of its primary key. */
    record Table(String name, List<String> key) {
    }

    // In foreign-key order: accounts before the orders that name them, orders before their trades.
    static final List<Table> ALL = List.of(new Table("accounts", List.of("user_id")),
            new Table("orders", List.of("id")), new Table("trades", List.of("id")),
            new Table("positions", List.of("user_id", "symbol")));

    /** One row per table, in {@link #ALL}'s order: its index, count and checksum of the bucket's rows. */
    static final String CHECKSUMS = String.join(" UNION ALL ", ALL.stream()
            .map(table -> "(SELECT " + ALL.indexOf(table) + " AS t, count(*), coalesce(sum(hashtext(r::text)::bigint),"
                    + " 0)::bigint FROM " + table.name() + " r WHERE bucket = ?)")
            .toList()) + " ORDER BY t";

    // A row's text depends on the session's time zone (timestamptz): the same on both sides.
    static final String UTC = "SET LOCAL TimeZone = 'UTC'";

    private BucketTables() {
    }

    /** The bucket once per table: the parameters of {@link #CHECKSUMS}. */
    static Object[] perTable(int bucket) {
        Object[] values = new Object[ALL.size()];
        Arrays.fill(values, bucket);
        return values;
    }

    /** One row of {@link #CHECKSUMS}: count and checksum. */
    static long[] sums(ResultSet rs) throws SQLException {
        return new long[] {rs.getLong(2), rs.getLong(3)};
    }

    /** Count and checksum of each table's rows of the bucket, equal on both sides. */
    static boolean same(List<long[]> here, List<long[]> there) {
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

    /** Deletes the bucket's rows from every table, children first. */
    static void deleteRows(Connection connection, int bucket) throws SQLException {
        for (Table table : ALL.reversed()) {
            execute(connection, "DELETE FROM " + table.name() + " WHERE bucket = ?", bucket);
        }
    }

    /** Runs {@code sql}, whose one parameter is the bucket. */
    static void execute(Connection connection, String sql, int bucket) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, bucket);
            statement.execute();
        }
    }
}
