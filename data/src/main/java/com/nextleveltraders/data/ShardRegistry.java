package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;

/** The catalog's shard registry and bucket directory. */
public final class ShardRegistry {

    private ShardRegistry() {
    }

    /**
     * Adds a shard, or updates where an existing one listens (local servers get new ports at every
     * start); its state is left as it is.
     */
    public static void register(DataSource catalog, RegisteredShard shard) {
        Transactions.inTransaction(catalog, connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO shards (id, primary_host, primary_port, replica_host, replica_port, database, state, added_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET primary_host = excluded.primary_host,
                        primary_port = excluded.primary_port, replica_host = excluded.replica_host,
                        replica_port = excluded.replica_port, database = excluded.database""")) {
                upsert.setInt(1, shard.id());
                upsert.setString(2, shard.primaryHost());
                upsert.setInt(3, shard.primaryPort());
                upsert.setString(4, shard.replicaHost());
                if (shard.hasReplica()) {
                    upsert.setInt(5, shard.replicaPort());
                } else {
                    upsert.setNull(5, java.sql.Types.INTEGER);
                }
                upsert.setString(6, shard.database());
                upsert.setString(7, shard.state().name());
                upsert.setTimestamp(8, Timestamp.from(Instant.now()));
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /** Sets a registered shard's state; false when there is no shard {@code id}. */
    public static boolean setState(DataSource catalog, int id, ShardState state) {
        return Transactions.inTransaction(catalog, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE shards SET state = ? WHERE id = ?")) {
                update.setString(1, state.name());
                update.setInt(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Names shard {@code id}'s replica at {@code toHost:toPort} its primary, with no replica, and
     * counts one more epoch, in one transaction; only if the registry still names
     * {@code fromHost:fromPort} the primary (a decider acting on an old view changes nothing).
     *
     * @return the shard's new epoch, or empty when the registry names another primary
     */
    public static OptionalLong failOver(DataSource catalog, int id, String fromHost, int fromPort, String toHost,
            int toPort) {
        return Transactions.inTransaction(catalog, connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE shards SET primary_host = ?, primary_port = ?, replica_host = NULL, replica_port = NULL,
                        epoch = epoch + 1
                    WHERE id = ? AND primary_host = ? AND primary_port = ?
                    RETURNING epoch""")) {
                update.setString(1, toHost);
                update.setInt(2, toPort);
                update.setInt(3, id);
                update.setString(4, fromHost);
                update.setInt(5, fromPort);
                try (ResultSet rs = update.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** 1 plus how many times shard {@code id}'s primary was failed over; empty for no such shard. */
    public static OptionalLong epoch(DataSource catalog, int id) {
        return Transactions.read(catalog, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT epoch FROM shards WHERE id = ?")) {
                select.setInt(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** Every registered shard, by id. */
    public static List<RegisteredShard> list(DataSource catalog) {
        return Transactions.read(catalog, connection -> {
            List<RegisteredShard> shards = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, primary_host, primary_port, replica_host, replica_port, database, state FROM shards ORDER BY id");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    shards.add(new RegisteredShard(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getInt(5), rs.getString(6), ShardState.valueOf(rs.getString(7))));
                }
            }
            return shards;
        });
    }

    /** As {@link #list}, or none when the catalog has no registry yet (a catalog never migrated). */
    public static List<RegisteredShard> listIfMigrated(DataSource catalog) {
        boolean migrated = Transactions.read(catalog, connection -> hasTable(connection, "shards"));
        return migrated ? list(catalog) : List.of();
    }

    /** The directory: index bucket → owning shard id, or 0 for a bucket not assigned yet. */
    public static int[] directory(DataSource catalog, int buckets) {
        return Transactions.read(catalog, connection -> {
            int[] owners = new int[buckets];
            try (PreparedStatement select = connection.prepareStatement("SELECT bucket, shard_id FROM bucket_directory");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    int bucket = rs.getInt(1);
                    if (bucket >= buckets) {
                        throw new IllegalStateException("the catalog has bucket " + bucket + " but "
                                + "database.sharding.buckets is " + buckets + "; the bucket count cannot change");
                    }
                    owners[bucket] = rs.getInt(2);
                }
            }
            return owners;
        });
    }

    /**
     * Gives every bucket to a shard, round robin over {@code active} (bucket b → active[b mod n]),
     * when the directory is empty; does nothing otherwise. Each shard learns what it owns first, the
     * directory last: a crash in between leaves an empty directory, and the next run does it again.
     */
    static boolean assignIfEmpty(DataSource catalog, Map<Integer, DataSource> primaries, List<Integer> active,
            int buckets) {
        if (Arrays.stream(directory(catalog, buckets)).anyMatch(owner -> owner != 0)) {
            return false;
        }
        if (active.isEmpty()) {
            throw new IllegalStateException("no active shard to give the buckets to");
        }
        for (int index = 0; index < active.size(); index++) {
            int shard = active.get(index);
            int first = index;
            Transactions.inTransaction(primaries.get(shard), connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO owned_buckets (bucket) VALUES (?) ON CONFLICT DO NOTHING")) {
                    for (int bucket = first; bucket < buckets; bucket += active.size()) {
                        insert.setInt(1, bucket);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                return null;
            });
        }
        Transactions.inTransaction(catalog, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bucket_directory (bucket, shard_id) VALUES (?, ?)")) {
                for (int bucket = 0; bucket < buckets; bucket++) {
                    insert.setInt(1, bucket);
                    insert.setInt(2, active.get(bucket % active.size()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
        return true;
    }

    /** The catalog's directory has exactly {@code buckets} buckets, or the configuration is wrong. */
    static void requireBucketCount(DataSource catalog, int buckets) {
        long[] found = Transactions.read(catalog, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT count(*), coalesce(max(bucket) + 1, 0) FROM bucket_directory");
                    ResultSet rs = select.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
        if (found[0] != buckets || found[1] != buckets) {
            throw new IllegalStateException("database.sharding.buckets is " + buckets + " but the catalog's"
                    + " directory has " + found[0] + " buckets: the bucket count is fixed for the platform's life");
        }
    }

    static boolean hasTable(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, table);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
