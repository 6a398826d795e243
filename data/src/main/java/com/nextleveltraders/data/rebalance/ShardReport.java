package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ServerProbe;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.data.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The shards of a running platform: each one's figures ({@link ShardStatus}), their sums, and how
 * uneven the load is ({@link ShardDistribution#skew()}) against a threshold.
 *
 * @param buckets buckets in the catalog's directory, B
 * @param unassignedBuckets buckets no shard owns in the directory (only before the first migration)
 * @param users every user in the catalog
 * @param rows rows over all shards, or {@code null} when a shard's could not be read
 * @param skew {@link ShardDistribution#skew()} over the active shards, or {@code null} when it cannot be computed
 *     ({@code skewNote} says why)
 * @param skewInRows whether the skew is measured in rows (some bucket holds a row) rather than in buckets
 * @param skewThreshold the skew above which rebalancing is advised
 * @param rebalancingAdvised {@link ShardDistribution#needsRebalancing}, or {@code null} without a skew
 * @param skewNote why the skew is {@code null}; {@code null} otherwise
 */
public record ShardReport(List<ShardStatus> shards, int buckets, int unassignedBuckets, long users, Long rows,
        Double skew, boolean skewInRows, double skewThreshold, Boolean rebalancingAdvised, String skewNote) {

    // The user-owned tables of a shard's schema (db/shard), each with its bucket column.
    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");

    public ShardReport {
        shards = List.copyOf(shards);
    }

    /**
     * Reads the registry, the directory and the users from the catalog, then each shard's primary
     * and replica over one connection each (not the pools). A shard server that does not answer is
     * reported as down, with the figures it would have given {@code null}.
     *
     * @param config where the catalog is ({@code platform.postgres}) and the credentials of every server
     * @param skewThreshold the skew above which rebalancing is advised, finite and not negative
     * @throws DatabaseUnavailableException when the catalog does not answer
     * @throws IllegalArgumentException for a negative or non-finite threshold
     */
    public static ShardReport read(PlatformConfig config, double skewThreshold) {
        if (!(skewThreshold >= 0) || Double.isInfinite(skewThreshold)) {
            throw new IllegalArgumentException("skewThreshold must be finite and not negative: " + skewThreshold);
        }
        var endpoint = config.platform().postgres();
        // Probed over a plain connection first: opening the pool to a server that is down fails with a
        // stack trace in the log rather than an answer.
        try (Connection probe = ServerProbe.open(config, endpoint.host(), endpoint.port(), endpoint.database())) {
            probe.isValid(1);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("the catalog (" + ServerProbe.address(endpoint.host(),
                    endpoint.port()) + ") does not answer: " + ServerProbe.reason(e), e);
        }
        Database database;
        try {
            database = Database.open(config);
        } catch (RuntimeException e) { // the pool fails fast when the catalog went away since the probe
            throw new DatabaseUnavailableException("the catalog (" + ServerProbe.address(endpoint.host(),
                    endpoint.port()) + ") does not answer: " + ServerProbe.reason(e), e);
        }
        try (database) {
            return read(database, config, skewThreshold);
        }
    }

    private static ShardReport read(Database database, PlatformConfig config, double skewThreshold) {
        DataSource catalog = database.catalog();
        List<RegisteredShard> registered = ShardRegistry.list(catalog);
        int[] directory = directory(catalog, config.database().sharding().buckets());
        Map<Integer, Long> usersPerShard = new HashMap<>();
        long users = Transactions.read(catalog, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT d.shard_id, count(*) FROM users u JOIN bucket_directory d ON d.bucket = u.bucket
                    GROUP BY d.shard_id""");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    usersPerShard.put(rs.getInt(1), rs.getLong(2));
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM users");
                    ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });

        Map<Integer, Integer> bucketsPerShard = new HashMap<>();
        int unassigned = 0;
        for (int owner : directory) {
            if (owner == 0) {
                unassigned++;
            } else {
                bucketsPerShard.merge(owner, 1, Integer::sum);
            }
        }

        List<ShardStatus> statuses = new ArrayList<>();
        Map<Integer, Map<Integer, Long>> rowsPerShardBucket = new HashMap<>();
        for (RegisteredShard shard : registered) {
            Map<Integer, Long> rowsPerBucket = new HashMap<>();
            statuses.add(readShard(config, shard, bucketsPerShard.getOrDefault(shard.id(), 0),
                    usersPerShard.getOrDefault(shard.id(), 0L), rowsPerBucket));
            rowsPerShardBucket.put(shard.id(), rowsPerBucket);
        }

        Long rows = 0L;
        for (ShardStatus status : statuses) {
            rows = rows == null || status.rows() == null ? null : rows + status.rows();
        }
        return withSkew(statuses, directory, unassigned, users, rows, rowsPerShardBucket, skewThreshold);
    }

    private static ShardReport withSkew(List<ShardStatus> statuses, int[] directory, int unassigned, long users,
            Long rows, Map<Integer, Map<Integer, Long>> rowsPerShardBucket, double threshold) {
        if (directory.length == 0 || unassigned > 0) {
            return new ShardReport(statuses, directory.length, unassigned, users, rows, null, false, threshold, null,
                    unassigned + " of " + directory.length + " buckets have no shard yet (run the migrations)");
        }
        Set<Integer> active = new HashSet<>();
        Set<Integer> retiring = new HashSet<>();
        Set<Integer> owning = new HashSet<>();
        for (int owner : directory) {
            owning.add(owner);
        }
        List<String> unread = new ArrayList<>();
        for (ShardStatus status : statuses) {
            if (status.state() == ShardState.ACTIVE) {
                active.add(status.id());
            } else if (owning.contains(status.id())) {
                retiring.add(status.id()); // draining, or retired yet still named by the directory: must be emptied
            }
            if (owning.contains(status.id()) && status.rows() == null) {
                unread.add(Integer.toString(status.id()));
            }
        }
        if (active.isEmpty()) {
            return new ShardReport(statuses, directory.length, 0, users, rows, null, false, threshold, null,
                    "no shard is ACTIVE");
        }
        if (!unread.isEmpty()) {
            return new ShardReport(statuses, directory.length, 0, users, rows, null, false, threshold, null,
                    "the rows of shard(s) " + String.join(", ", unread) + " could not be read");
        }
        long[] rowsPerBucket = new long[directory.length];
        for (int bucket = 0; bucket < directory.length; bucket++) {
            rowsPerBucket[bucket] = rowsPerShardBucket.getOrDefault(directory[bucket], Map.of()).getOrDefault(bucket, 0L);
        }
        try {
            // Bytes are reported per shard (table sizes), not per bucket: the distribution balances on rows.
            ShardDistribution distribution = ShardDistribution.of(directory, active, retiring, rowsPerBucket,
                    new long[directory.length]);
            return new ShardReport(statuses, directory.length, 0, users, rows, distribution.skew(),
                    distribution.measuredInRows(), threshold, distribution.needsRebalancing(threshold), null);
        } catch (IllegalArgumentException e) {
            return new ShardReport(statuses, directory.length, 0, users, rows, null, false, threshold, null,
                    e.getMessage()); // the directory names a shard the registry does not list
        }
    }

    /** index bucket → owning shard id (0 for none); as long as the catalog's directory, or B when it is empty. */
    private static int[] directory(DataSource catalog, int configuredBuckets) {
        return Transactions.read(catalog, connection -> {
            Map<Integer, Integer> owners = new HashMap<>();
            int length = 0;
            try (PreparedStatement select = connection.prepareStatement("SELECT bucket, shard_id FROM bucket_directory");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getInt(1), rs.getInt(2));
                    length = Math.max(length, rs.getInt(1) + 1);
                }
            }
            // The directory, not this tool's configuration, is the truth about B.
            int[] directory = new int[owners.isEmpty() ? configuredBuckets : length];
            owners.forEach((bucket, shard) -> directory[bucket] = shard);
            return directory;
        });
    }

    private static ShardStatus readShard(PlatformConfig config, RegisteredShard shard, int buckets, long users,
            Map<Integer, Long> rowsPerBucket) {
        List<String> problems = new ArrayList<>();
        String primaryAddress = ServerProbe.address(shard.primaryHost(), shard.primaryPort());
        String replicaAddress = shard.hasReplica() ? ServerProbe.address(shard.replicaHost(), shard.replicaPort()) : null;
        boolean primaryUp = false;
        Long rows = null;
        Long bytes = null;
        String primaryLsn = null;
        String replication = null;
        try (Connection primary = ServerProbe.open(config, shard.primaryHost(), shard.primaryPort(), shard.database())) {
            primaryUp = true;
            try {
                rows = countRows(primary, rowsPerBucket);
                bytes = tableBytes(primary);
                primaryLsn = single(primary, "SELECT pg_current_wal_lsn()::text");
                replication = replication(primary);
            } catch (SQLException e) {
                problems.add("primary " + primaryAddress + " answered but could not be read: " + ServerProbe.reason(e));
            }
        } catch (SQLException e) {
            problems.add("primary " + primaryAddress + " does not answer: " + ServerProbe.reason(e));
        }

        Boolean replicaUp = null;
        Boolean streaming = null;
        Long lagBytes = null;
        Double lagSeconds = null;
        if (shard.hasReplica()) {
            replicaUp = false;
            try (Connection replica = ServerProbe.open(config, shard.replicaHost(), shard.replicaPort(),
                    shard.database())) {
                replicaUp = true;
                try (PreparedStatement select = replica.prepareStatement("""
                        SELECT pg_is_in_recovery(),
                               pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::bigint,
                               extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
                               coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)""")) {
                    if (primaryLsn == null) {
                        select.setNull(1, Types.VARCHAR);
                    } else {
                        select.setString(1, primaryLsn);
                    }
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        streaming = rs.getBoolean(4);
                        if (!rs.getBoolean(1)) {
                            problems.add("replica " + replicaAddress + " is not in recovery: it no longer follows"
                                    + " the primary");
                        }
                        // Read after the primary's position, so a replica that replayed more meanwhile is at 0.
                        long lag = Math.max(0, rs.getLong(2));
                        if (!rs.wasNull()) {
                            lagBytes = lag;
                            double since = rs.getDouble(3);
                            if (lag == 0) {
                                lagSeconds = 0.0;
                            } else if (!rs.wasNull()) {
                                lagSeconds = Math.max(0.0, since);
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                if (replicaUp) {
                    problems.add("replica " + replicaAddress + " answered but could not be read: "
                            + ServerProbe.reason(e));
                } else {
                    problems.add("replica " + replicaAddress + " does not answer: " + ServerProbe.reason(e));
                }
            }
        }
        return new ShardStatus(shard.id(), shard.state(), primaryAddress, replicaAddress, buckets, users, rows, bytes,
                primaryUp, replicaUp, streaming, lagBytes, lagSeconds, replication, problems);
    }

    /**
     * Whether the primary's commits wait for a replica ({@code synchronous_standby_names} set, at a
     * {@code synchronous_commit} level that waits) and whether one is in sync now.
     */
    private static String replication(Connection primary) throws SQLException {
        try (PreparedStatement select = primary.prepareStatement("""
                SELECT current_setting('synchronous_standby_names') <> ''
                       AND current_setting('synchronous_commit') IN ('remote_apply', 'on', 'remote_write'),
                       EXISTS (SELECT 1 FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum'))""");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return ShardStatus.UNPROTECTED;
            }
            return rs.getBoolean(2) ? ShardStatus.PROTECTED : ShardStatus.WAITING;
        }
    }

    /** Rows per bucket the shard owns, over the user-owned tables, into {@code rowsPerBucket}; returns their sum. */
    private static long countRows(Connection primary, Map<Integer, Long> rowsPerBucket) throws SQLException {
        StringBuilder union = new StringBuilder();
        for (String table : TABLES) {
            union.append(union.isEmpty() ? "" : " UNION ALL ").append("SELECT bucket FROM ").append(table);
        }
        long total = 0;
        // One statement, so one snapshot: a write between tables cannot be half counted.
        try (PreparedStatement select = primary.prepareStatement("SELECT r.bucket, count(*) FROM (" + union
                + ") r JOIN owned_buckets o ON o.bucket = r.bucket GROUP BY r.bucket");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rowsPerBucket.put(rs.getInt(1), rs.getLong(2));
                total += rs.getLong(2);
            }
        }
        return total;
    }

    private static long tableBytes(Connection primary) throws SQLException {
        try (PreparedStatement select = primary.prepareStatement(
                "SELECT coalesce(sum(pg_total_relation_size(t)), 0)::bigint FROM unnest(?::regclass[]) t")) {
            select.setArray(1, primary.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
