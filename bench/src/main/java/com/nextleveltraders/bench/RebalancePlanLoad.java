package com.nextleveltraders.bench;

import com.nextleveltraders.data.rebalance.BucketMove;
import com.nextleveltraders.data.rebalance.BucketTally;
import com.nextleveltraders.data.rebalance.RebalancePlanner;
import com.nextleveltraders.data.rebalance.ShardDistribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Rows moved when a shard is added: the planner's whole-bucket plan against the minimum, 1/(N + 1)
 * of the rows, and against {@code hash mod N → hash mod (N + 1)}. Pure computation, no database.
 *
 * <p>Synthetic users: random version-4 UUIDs from a seeded generator, each with a row count from a
 * discrete Pareto law, {@code floor(U^(−1/alpha))} (at least 1, a Zipf-like tail: most users have a
 * few rows, a few have thousands), so buckets are unequal as real ones are. Each N starts from
 * {@link RebalancePlanner#evenDirectory} for N shards and adds shard N + 1. Two plans are measured:
 * on rows (what the planner does when rows are counted) and on bucket counts alone.
 *
 * <p>{@code hash mod N} uses the platform's bucket hash with B replaced by N and by N + 1. Both come
 * from one tally with N·(N + 1) buckets: that hash is {@code floorMod(z, B)} of one 64-bit value z,
 * and since N divides N·(N + 1), {@code z mod N = (z mod N(N + 1)) mod N}; likewise for N + 1.
 *
 * <p>Usage: {@code RebalancePlanLoad <users> <buckets> <seed> <alpha> <N,N,...>}.
 */
public final class RebalancePlanLoad {

    private RebalancePlanLoad() {
    }

    public static void main(String[] args) {
        int users = Integer.parseInt(args[0]);
        int buckets = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        double alpha = Double.parseDouble(args[3]);
        int[] shardCounts = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();

        long started = System.nanoTime();
        BucketTally tally = new BucketTally(buckets);
        BucketTally[] modTallies = new BucketTally[shardCounts.length];
        for (int i = 0; i < shardCounts.length; i++) {
            modTallies[i] = new BucketTally(shardCounts[i] * (shardCounts[i] + 1));
        }
        SplittableRandom random = new SplittableRandom(seed);
        long maxUserRows = 0;
        for (int user = 0; user < users; user++) {
            UUID id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                    (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
            long rows = Math.max(1, (long) Math.floor(Math.pow(1.0 - random.nextDouble(), -1.0 / alpha)));
            long bytes = 1_024 + 160 * rows; // the account, then one row of orders and trades each
            maxUserRows = Math.max(maxUserRows, rows);
            tally.add(id, rows, bytes);
            for (BucketTally modTally : modTallies) {
                modTally.add(id, rows, bytes);
            }
        }
        long[] rows = tally.rowsPerBucket();
        long[] bytes = tally.bytesPerBucket();
        long totalRows = Arrays.stream(rows).sum();
        long maxBucketRows = Arrays.stream(rows).max().orElseThrow();
        long minBucketRows = Arrays.stream(rows).min().orElseThrow();
        System.out.printf(Locale.ROOT, "users=%d buckets=%d seed=%d alpha=%s rows=%d max_user_rows=%d"
                        + " mean_bucket_rows=%.1f min_bucket_rows=%d max_bucket_rows=%d generate_millis=%d%n",
                users, buckets, seed, alpha, totalRows, maxUserRows, (double) totalRows / buckets,
                minBucketRows, maxBucketRows, (System.nanoTime() - started) / 1_000_000);

        List<String[]> table = new ArrayList<>();
        for (int i = 0; i < shardCounts.length; i++) {
            int n = shardCounts[i];
            int[] directory = RebalancePlanner.evenDirectory(buckets, n);
            Set<Integer> shards = new TreeSet<>();
            for (int shard = 1; shard <= n + 1; shard++) {
                shards.add(shard);
            }
            ShardDistribution before = ShardDistribution.of(directory, shards, rows, bytes);
            ShardDistribution countsOnly = ShardDistribution.of(directory, shards, new long[buckets], new long[buckets]);

            long planStarted = System.nanoTime();
            List<BucketMove> plan = RebalancePlanner.plan(before);
            long planMicros = (System.nanoTime() - planStarted) / 1_000;
            List<BucketMove> countsPlan = RebalancePlanner.plan(countsOnly);

            double minimum = (double) totalRows / (n + 1);
            long moved = rowsMoved(before, plan);
            long movedByCounts = rowsMoved(before, countsPlan);
            long movedByMod = rowsMovedByMod(modTallies[i].rowsPerBucket(), n);
            ShardDistribution after = before.apply(plan);
            double skewAfter = after.skew();
            int newShardBuckets = after.loads().get(n).buckets();
            long betweenOldShards = plan.stream().filter(move -> move.toShard() != n + 1).count();
            double skewAfterCounts = before.apply(countsPlan).skew();
            System.out.printf(Locale.ROOT, "shards=%d->%d buckets_moved=%d rows_moved=%d rows_minimum=%.1f"
                            + " ratio=%.4f skew_after=%.4f counts_buckets_moved=%d counts_rows_moved=%d"
                            + " counts_ratio=%.4f counts_skew_after=%.4f mod_rows_moved=%d mod_share=%.4f"
                            + " mod_ratio=%.3f new_shard_buckets=%d moves_between_old_shards=%d plan_micros=%d%n",
                    n, n + 1, plan.size(), moved, minimum, moved / minimum, skewAfter, countsPlan.size(),
                    movedByCounts, movedByCounts / minimum, skewAfterCounts, movedByMod,
                    (double) movedByMod / totalRows, movedByMod / minimum, newShardBuckets, betweenOldShards, planMicros);
            table.add(new String[] {
                    n + " → " + (n + 1),
                    String.valueOf(plan.size()),
                    String.format(Locale.ROOT, "%,d", moved),
                    String.format(Locale.ROOT, "%,.0f", minimum),
                    String.format(Locale.ROOT, "%.4f", moved / minimum),
                    String.format(Locale.ROOT, "%.4f", skewAfter),
                    countsPlan.size() + " / " + String.format(Locale.ROOT, "%.4f", movedByCounts / minimum),
                    String.format(Locale.ROOT, "%,d (%.1f %%)", movedByMod, 100.0 * movedByMod / totalRows),
                    String.format(Locale.ROOT, "%.2f", movedByMod / minimum)});
        }
        System.out.println();
        System.out.println("| shards | buckets moved | rows moved | minimum 1/(N+1) | moved / minimum | skew after"
                + " | counts-only plan: buckets / ratio | hash mod N → N+1: rows moved | mod / minimum |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String[] row : table) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
        System.out.printf(Locale.ROOT, "%ntotal_millis=%d%n", (System.nanoTime() - started) / 1_000_000);
    }

    private static long rowsMoved(ShardDistribution distribution, List<BucketMove> moves) {
        long moved = 0;
        for (BucketMove move : moves) {
            moved += distribution.rowsOf(move.bucket());
        }
        return moved;
    }

    /** Rows whose shard changes from {@code z mod n} to {@code z mod (n + 1)}, from a tally with n(n + 1) buckets. */
    private static long rowsMovedByMod(long[] rowsPerResidue, int n) {
        long moved = 0;
        for (int residue = 0; residue < rowsPerResidue.length; residue++) {
            if (residue % n != residue % (n + 1)) {
                moved += rowsPerResidue[residue];
            }
        }
        return moved;
    }
}
