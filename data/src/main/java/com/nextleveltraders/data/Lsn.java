package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** PostgreSQL WAL positions ({@code pg_lsn}, written {@code 16/B374D848}) as unsigned 64-bit numbers. */
final class Lsn {

    private Lsn() {
    }

    static long parse(String text) {
        if (text == null) {
            return -1; // e.g. pg_last_wal_replay_lsn() on a server that is not a standby
        }
        int slash = text.indexOf('/');
        return (Long.parseUnsignedLong(text.substring(0, slash), 16) << 32)
                | Long.parseUnsignedLong(text.substring(slash + 1), 16);
    }

    /** The primary's current WAL write position: at or past every transaction committed before the call. */
    static long current(DataSource primary) throws SQLException {
        try (Connection connection = primary.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT pg_current_wal_lsn()::text");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return parse(rs.getString(1));
        }
    }
}
