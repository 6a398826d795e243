package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.data.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Evens the shards out by moving buckets online: reads the distribution of rows over the buckets
 * (the seed's {@code analyzeShardDistribution}), decides with a skew threshold whether anything
 * needs to move ({@link ShardDistribution#needsRebalancing}), plans the fewest moves
 * ({@link RebalancePlanner}) and makes them one at a time with a {@link BucketMover}. Also adds a
 * shard (registered, migrated, owning nothing) and removes one (drained, then retired).
 */
public final class Rebalancer {

    /** The default skew above which a rebalance moves anything (see {@link ShardDistribution#skew()}). */
    public static final double DEFAULT_THRESHOLD = 0.10;

    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");

    /**
     * What a rebalance would do.
     *
     * @param needed whether the skew exceeds the threshold or a draining shard still owns buckets
     * @param moves the moves, in order; empty when not needed
     */
    public record Plan(ShardDistribution distribution, double threshold, boolean needed, List<BucketMove> moves) {
        public Plan {
            moves = List.copyOf(moves);
        }

        /** The skew the plan leaves. */
        public double skewAfter() {
            return distribution.apply(moves).skew();
        }
    }

    /** After each move: how many of how many are done, and what the last one did. */
    public record Progress(int done, int total, BucketMover.Result last) {
    }

    private Rebalancer() {
    }

    /** The current distribution over the ACTIVE shards (DRAINING ones as retiring) and the plan for it. */
    public static Plan analyze(Database database, double threshold) {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and not negative: " + threshold);
        }
        database.refreshDirectory();
        int[] directory = ShardRegistry.directory(database.catalog(), database.config().database().sharding().buckets());
        Set<Integer> active = new HashSet<>();
        Set<Integer> retiring = new HashSet<>();
        Set<Integer> owning = new HashSet<>();
        for (int owner : directory) {
            if (owner == 0) {
                throw new IllegalStateException("some buckets have no shard yet: run the migrations first");
            }
            owning.add(owner);
        }
        for (RegisteredShard shard : ShardRegistry.list(database.catalog())) {
            if (shard.state() == ShardState.ACTIVE) {
                active.add(shard.id());
            } else if (owning.contains(shard.id())) {
                retiring.add(shard.id());
            }
        }
        long[] rows = new long[directory.length];
        for (Shard shard : database.router().shards()) {
            if (owning.contains(shard.id())) {
                countRows(shard.primary(), rows);
            }
        }
        ShardDistribution distribution = ShardDistribution.of(directory, active, retiring, rows,
                new long[directory.length]);
        boolean needed = distribution.needsRebalancing(threshold);
        return new Plan(distribution, threshold, needed, needed ? RebalancePlanner.plan(distribution) : List.of());
    }

    /**
     * Finishes any move a crashed mover left, then plans and makes the moves, one at a time,
     * calling {@code progress} after each. Stops at a move that had to be rolled back.
     *
     * @throws BucketMover.MoveInProgressException when another rebalance runs
     */
    public static List<BucketMover.Result> rebalance(Database database, double threshold,
            Consumer<Progress> progress) {
        try (BucketMover mover = BucketMover.open(database)) {
            return rebalance(mover, database, threshold, progress);
        }
    }

    private static List<BucketMover.Result> rebalance(BucketMover mover, Database database, double threshold,
            Consumer<Progress> progress) {
        mover.resume();
        Plan plan = analyze(database, threshold);
        List<BucketMover.Result> results = new ArrayList<>();
        for (BucketMove move : plan.moves()) {
            BucketMover.Result result = mover.move(move.bucket(), move.fromShard(), move.toShard());
            results.add(result);
            progress.accept(new Progress(results.size(), plan.moves().size(), result));
            if (!result.moved()) {
                break;
            }
        }
        database.refreshDirectory();
        return results;
    }

    /**
     * Registers a new shard on the given server (its next free id, ACTIVE), after migrating it; it
     * owns no bucket until a rebalance gives it some.
     *
     * @param replicaHost the replica's host, or null for none
     */
    public static RegisteredShard addShard(Database database, String host, int port, String databaseName,
            String replicaHost, int replicaPort) {
        List<RegisteredShard> registered = ShardRegistry.list(database.catalog());
        for (RegisteredShard shard : registered) {
            if (shard.primaryHost().equals(host) && shard.primaryPort() == port && shard.database().equals(databaseName)
                    && shard.state() != ShardState.RETIRED) {
                throw new IllegalArgumentException("shard " + shard.id() + " is already " + host + ":" + port + "/"
                        + databaseName);
            }
        }
        int id = registered.stream().mapToInt(RegisteredShard::id).max().orElse(0) + 1;
        RegisteredShard shard = new RegisteredShard(id, host, port, replicaHost, replicaHost == null ? 0 : replicaPort,
                databaseName, ShardState.ACTIVE);
        return addShard(database, shard);
    }

    /**
     * Registers {@code shard} as given (its id chosen by the caller, ACTIVE), after migrating its
     * primary; it owns no bucket until a rebalance gives it some.
     *
     * @throws IllegalArgumentException when its id is already registered
     */
    public static RegisteredShard addShard(Database database, RegisteredShard shard) {
        if (ShardRegistry.list(database.catalog()).stream().anyMatch(s -> s.id() == shard.id())) {
            throw new IllegalArgumentException("shard " + shard.id() + " is already registered");
        }
        Migrations.applyToShard(database.pool(shard.primaryHost(), shard.primaryPort(), shard.database()));
        ShardRegistry.register(database.catalog(), shard);
        database.refreshDirectory();
        return shard;
    }

    /**
     * Drains shard {@code id} (DRAINING: its buckets all move to the active shards), then retires it.
     *
     * @throws IllegalArgumentException for an unknown or retired shard, or the last active one; nothing changes then
     * @throws BucketMover.MoveInProgressException when another rebalance runs; nothing changes then
     */
    public static List<BucketMover.Result> removeShard(Database database, int id, Consumer<Progress> progress) {
        try (BucketMover mover = BucketMover.open(database)) {
            List<RegisteredShard> registered = ShardRegistry.list(database.catalog());
            RegisteredShard shard = registered.stream().filter(s -> s.id() == id).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no shard " + id + " is registered"));
            if (shard.state() == ShardState.RETIRED) {
                throw new IllegalArgumentException("shard " + id + " is already retired");
            }
            boolean anotherActive = registered.stream().anyMatch(s -> s.id() != id && s.state() == ShardState.ACTIVE);
            if (!anotherActive) {
                throw new IllegalArgumentException("shard " + id + " is the last active shard: its buckets would have"
                        + " nowhere to go; add a shard first");
            }
            ShardRegistry.setState(database.catalog(), id, ShardState.DRAINING);
            List<BucketMover.Result> results = rebalance(mover, database, DEFAULT_THRESHOLD, progress);
            int[] directory = ShardRegistry.directory(database.catalog(),
                    database.config().database().sharding().buckets());
            for (int owner : directory) {
                if (owner == id) {
                    return results; // a move was rolled back: stays DRAINING, the next rebalance goes on
                }
            }
            ShardRegistry.setState(database.catalog(), id, ShardState.RETIRED);
            database.refreshDirectory();
            return results;
        }
    }

    /** Adds the rows of each bucket the shard owns to {@code rows}. */
    private static void countRows(DataSource primary, long[] rows) {
        StringBuilder union = new StringBuilder();
        for (String table : TABLES) {
            union.append(union.isEmpty() ? "" : " UNION ALL ").append("SELECT bucket FROM ").append(table);
        }
        Transactions.read(primary, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT r.bucket, count(*) FROM (" + union
                    + ") r JOIN owned_buckets o ON o.bucket = r.bucket GROUP BY r.bucket");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt(1) < rows.length) {
                        rows[rs.getInt(1)] += rs.getLong(2);
                    }
                }
            }
            return null;
        });
    }
}
