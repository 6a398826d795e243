package com.nextleveltraders.data.rebalance;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Helpers shared by the rebalancing tests. */
final class Distributions {

    private Distributions() {
    }

    static Set<Integer> shards(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** Buckets only: no rows counted, so load is counted in buckets. */
    static ShardDistribution unweighted(int[] directory, Set<Integer> active) {
        return ShardDistribution.of(directory, active, new long[directory.length], new long[directory.length]);
    }

    static List<Integer> bucketCounts(ShardDistribution distribution) {
        return distribution.loads().stream().map(ShardLoad::buckets).toList();
    }

    /**
     * The fewest moves any plan needs with equal buckets, computed independently of the planner:
     * B − Σ kept, where the r = B mod n targets of ceil(B / n) go to the fullest active shards and
     * retiring shards keep nothing.
     */
    static int minimumMoves(ShardDistribution distribution) {
        int buckets = distribution.buckets();
        int n = distribution.activeShards().size();
        int[] counts = bucketCounts(distribution).stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(counts);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int fullestFirst = counts[n - 1 - i];
            int target = buckets / n + (i < buckets % n ? 1 : 0);
            kept += Math.min(fullestFirst, target);
        }
        return buckets - kept;
    }

    static long rowsMoved(ShardDistribution distribution, List<BucketMove> moves) {
        return moves.stream().mapToLong(move -> distribution.rowsOf(move.bucket())).sum();
    }
}
