package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The fence of every write: inside its transaction, the shard must still own the bucket. */
public final class Ownership {

    private Ownership() {
    }

    /**
     * Holds the bucket's ownership row (FOR SHARE) until the transaction ends: a move, which takes
     * it FOR UPDATE to freeze the bucket, then waits for this write, and this write waits for a
     * freeze in progress. Throws {@link StaleDirectoryException} when the shard does not own it.
     */
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

    public static void check(Connection connection, int bucket, int shard) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM owned_buckets WHERE bucket = ? FOR SHARE")) {
            select.setInt(1, bucket);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new StaleDirectoryException(bucket, shard);
                }
            }
        }
    }
}
