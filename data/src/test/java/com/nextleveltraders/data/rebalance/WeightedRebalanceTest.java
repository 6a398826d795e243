package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.Distributions.shards;
import static com.nextleveltraders.data.rebalance.Distributions.unweighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRebalanceTest {

    private static final int BUCKETS = 1024;

    /** Rows per bucket from users whose row counts follow a heavy tail, as traders' histories do. */
    private static long[] skewedRows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] rows = new long[BUCKETS];
        for (int user = 0; user < 50_000; user++) {
            long userRows = (long) Math.floor(Math.pow(1.0 - random.nextDouble(), -1.0 / 1.3));
            rows[random.nextInt(BUCKETS)] += Math.min(userRows, 20_000);
        }
        return rows;
    }

    @Test
    void rowsEvenOutBetterThanWithBucketCountsAlone() {
        int[] directory = RebalancePlanner.evenDirectory(BUCKETS, 4);
        long[] rows = skewedRows(42);
        ShardDistribution before = ShardDistribution.of(directory, shards(1, 5), rows, new long[BUCKETS]);

        List<BucketMove> byRows = RebalancePlanner.plan(before);
        List<BucketMove> byCounts = RebalancePlanner.plan(unweighted(directory, shards(1, 5)));

        double skewByRows = before.apply(byRows).skew();
        double skewByCounts = before.apply(byCounts).skew();
        assertThat(skewByRows).isLessThan(skewByCounts);
        // Within one average bucket of the fair share: the spread is under 2 n / B.
        assertThat(skewByRows).isLessThan(2.0 * 5 / BUCKETS);
    }

    @Test
    void everyActiveShardEndsWithinOneBucketsWorthOfItsShare() {
        for (long seed = 1; seed <= 5; seed++) {
            long[] rows = skewedRows(seed);
            ShardDistribution before = ShardDistribution.of(RebalancePlanner.evenDirectory(BUCKETS, 2),
                    shards(1, 3), rows, new long[BUCKETS]);

            ShardDistribution after = before.apply(RebalancePlanner.plan(before));

            double share = (double) after.totalRows() / 3;
            double bucketsWorth = (double) after.totalRows() / BUCKETS;
            assertThat(after.loads()).allSatisfy(load ->
                    assertThat(Math.abs(load.rows() - share)).isLessThan(bucketsWorth));
        }
    }

    @Test
    void neverRaisesTheLargestLoadNorLowersTheSmallest() {
        long[] rows = skewedRows(7);
        ShardDistribution before = ShardDistribution.of(RebalancePlanner.evenDirectory(BUCKETS, 8), shards(1, 9),
                rows, new long[BUCKETS]);

        ShardDistribution after = before.apply(RebalancePlanner.plan(before));

        assertThat(max(after)).isLessThanOrEqualTo(max(before));
        assertThat(min(after)).isGreaterThanOrEqualTo(min(before));
        assertThat(after.skew()).isLessThan(before.skew());
    }

    @Test
    void stopsWhenNoBucketOfTheHeaviestShardFitsTheGap() {
        // One bucket of 100 rows against three of 1: moving it would only swap which shard is heavy.
        int[] directory = {1, 2, 2, 2};
        long[] rows = {100, 1, 1, 1};
        ShardDistribution distribution = ShardDistribution.of(directory, shards(1, 2), rows, new long[4]);

        assertThat(RebalancePlanner.plan(distribution)).isEmpty();
    }

    @Test
    void movesTheBucketThatClosesTheGapBest() {
        // Shard 1: 10 + 6 + 3 = 19, shard 2: 1. Gap 18; 6 leaves 13 / 7 (gap 6), 10 leaves 9 / 11 (gap 2).
        int[] directory = {1, 1, 1, 2};
        long[] rows = {10, 6, 3, 1};
        ShardDistribution distribution = ShardDistribution.of(directory, shards(1, 2), rows, new long[4]);

        assertThat(RebalancePlanner.plan(distribution)).containsExactly(new BucketMove(0, 1, 2));
    }

    private static long max(ShardDistribution distribution) {
        return distribution.loads().stream().mapToLong(ShardLoad::rows).max().orElseThrow();
    }

    private static long min(ShardDistribution distribution) {
        return distribution.loads().stream().mapToLong(ShardLoad::rows).min().orElseThrow();
    }
}
