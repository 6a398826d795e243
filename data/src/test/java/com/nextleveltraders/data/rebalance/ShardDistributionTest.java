package com.nextleveltraders.data.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.nextleveltraders.data.Buckets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardDistributionTest {

    private static final long[] NONE = new long[4];

    @Test
    void reportsEveryActiveShardInIdOrderIncludingThoseOwningNothing() {
        ShardDistribution distribution = ShardDistribution.of(new int[] {2, 1, 2, 1}, Set.of(3, 2, 1),
                new long[] {10, 20, 30, 40}, new long[] {100, 200, 300, 400});

        assertThat(distribution.loads()).containsExactly(
                new ShardLoad(1, 2, 60, 600),
                new ShardLoad(2, 2, 40, 400),
                new ShardLoad(3, 0, 0, 0));
        assertThat(distribution.totalRows()).isEqualTo(100);
        assertThat(distribution.retiringLoads()).isEmpty();
    }

    @Test
    void skewIsTheSpreadOfRowsOverTheFairShare() {
        // Shards hold 60, 40, 0 rows; fair share 100 / 3; (60 - 0) / (100 / 3) = 1.8.
        ShardDistribution distribution = ShardDistribution.of(new int[] {2, 1, 2, 1}, Set.of(1, 2, 3),
                new long[] {10, 20, 30, 40}, NONE);

        assertThat(distribution.measuredInRows()).isTrue();
        assertThat(distribution.skew()).isCloseTo(1.8, within(1e-12));
        assertThat(distribution.needsRebalancing(1.79)).isTrue();
        assertThat(distribution.needsRebalancing(1.8)).isFalse();
    }

    @Test
    void withoutRowsSkewIsTheSpreadOfBucketCounts() {
        // 3 and 1 buckets; fair share 2; (3 - 1) / 2 = 1.
        ShardDistribution distribution = ShardDistribution.of(new int[] {1, 1, 1, 2}, Set.of(1, 2), NONE, NONE);

        assertThat(distribution.measuredInRows()).isFalse();
        assertThat(distribution.skew()).isEqualTo(1.0);
    }

    @Test
    void retiringShardsRowsCountInTheFairShareOfTheActiveOnes() {
        // Active 1 and 2 hold 10 each, retiring 3 holds 20: fair share 40 / 2 = 20, spread 0.
        ShardDistribution distribution = ShardDistribution.of(new int[] {1, 2, 3, 3}, Set.of(1, 2), Set.of(3),
                new long[] {10, 10, 10, 10}, NONE);

        assertThat(distribution.skew()).isZero();
        assertThat(distribution.needsRebalancing(0.5)).isTrue();
        assertThat(distribution.retiringLoads()).containsExactly(new ShardLoad(3, 2, 20, 0));
    }

    @Test
    void evenDirectoryGivesContiguousRangesDifferingByAtMostOneBucket() {
        int[] directory = RebalancePlanner.evenDirectory(1024, 3);

        assertThat(Arrays.copyOfRange(directory, 0, 3)).containsOnly(1);
        assertThat(directory[340]).isEqualTo(1);
        assertThat(directory[341]).isEqualTo(2);
        assertThat(directory[1023]).isEqualTo(3);
        assertThat(Distributions.bucketCounts(Distributions.unweighted(directory, Set.of(1, 2, 3))))
                .containsExactly(341, 341, 342);
    }

    @Test
    void applyMovesBucketsAndRefusesAMoveFromTheWrongShard() {
        ShardDistribution distribution = ShardDistribution.of(new int[] {1, 1, 1, 2}, Set.of(1, 2), NONE, NONE);

        assertThat(distribution.apply(List.of(new BucketMove(0, 1, 2))).directory()).containsExactly(2, 1, 1, 2);
        assertThatThrownBy(() -> distribution.apply(List.of(new BucketMove(3, 1, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket 3 is on shard 2, not on shard 1");
        assertThatThrownBy(() -> distribution.apply(List.of(new BucketMove(0, 1, 5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard 5, which is not active");
    }

    @Test
    void refusesADirectoryNamingAnUnknownShard() {
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 2, 7, 1}, Set.of(1, 2), NONE, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directory[2] names unknown shard 7");
    }

    @Test
    void refusesAnEmptyActiveSet() {
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(), Set.of(1), NONE, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("activeShards must not be empty");
    }

    @Test
    void refusesNegativeRowsAndBytes() {
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1),
                new long[] {1, 2, -3, 4}, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rowsPerBucket[2] must not be negative: -3");
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1), NONE,
                new long[] {0, -1, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytesPerBucket[1] must not be negative: -1");
    }

    @Test
    void refusesOtherInconsistentInput() {
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1), new long[3], NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rowsPerBucket has 3 entries for 4 buckets");
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1), Set.of(1), NONE, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard 1 is both active and retiring");
        Set<Integer> withNull = new HashSet<>(Arrays.asList(1, null));
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, withNull, NONE, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("activeShards must not contain null");
        assertThatThrownBy(() -> ShardDistribution.of(new int[0], Set.of(1), new long[0], new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one bucket");
        assertThatThrownBy(() -> ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1),
                new long[] {Long.MAX_VALUE, 1, 0, 0}, NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflows");
        ShardDistribution valid = ShardDistribution.of(new int[] {1, 1, 1, 1}, Set.of(1), NONE, NONE);
        assertThatThrownBy(() -> valid.needsRebalancing(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold must be finite and not negative: NaN");
        assertThatThrownBy(() -> RebalancePlanner.evenDirectory(4, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shards must be in [1, 4]: 5");
        assertThatThrownBy(() -> new BucketMove(1, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from shard 2 to itself");
    }

    @Test
    void bucketTallyUsesThePlatformsBucketHash() {
        BucketTally tally = new BucketTally(1024);
        java.util.UUID user = java.util.UUID.fromString("0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b");

        int bucket = tally.add(user, 7, 700);
        tally.add(user, 3, 300);

        assertThat(bucket).isEqualTo(Buckets.bucketOf(user, 1024));
        assertThat(tally.rowsPerBucket()[bucket]).isEqualTo(10);
        assertThat(tally.bytesPerBucket()[bucket]).isEqualTo(1_000);
        assertThat(Arrays.stream(tally.rowsPerBucket()).sum()).isEqualTo(10);
    }
}
