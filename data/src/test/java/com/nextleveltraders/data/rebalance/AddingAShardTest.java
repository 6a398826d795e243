package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.Distributions.bucketCounts;
import static com.nextleveltraders.data.rebalance.Distributions.minimumMoves;
import static com.nextleveltraders.data.rebalance.Distributions.shards;
import static com.nextleveltraders.data.rebalance.Distributions.unweighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddingAShardTest {

    private static final int BUCKETS = 1024;

    @ParameterizedTest(name = "{0} -> {0}+1 shards")
    @ValueSource(ints = {2, 4, 8})
    void movesExactlyTheMinimumNumberOfBuckets(int n) {
        ShardDistribution before = unweighted(RebalancePlanner.evenDirectory(BUCKETS, n), shards(1, n + 1));

        List<BucketMove> moves = RebalancePlanner.plan(before);

        assertThat(moves).hasSize(minimumMoves(before));
        // 2 -> 3: 341, 4 -> 5: 204, 8 -> 9: 113, each floor(B / (N + 1)).
        assertThat(moves).hasSize(BUCKETS / (n + 1));
        assertThat(Math.abs(moves.size() - (double) BUCKETS / (n + 1))).isLessThan(1.0);
    }

    @ParameterizedTest(name = "{0} -> {0}+1 shards")
    @ValueSource(ints = {2, 4, 8})
    void onlyTheNewShardReceivesAndEveryShardEndsWithFloorOrCeil(int n) {
        ShardDistribution before = unweighted(RebalancePlanner.evenDirectory(BUCKETS, n), shards(1, n + 1));

        List<BucketMove> moves = RebalancePlanner.plan(before);
        ShardDistribution after = before.apply(moves);

        assertThat(moves).allSatisfy(move -> assertThat(move.toShard()).isEqualTo(n + 1));
        int floor = BUCKETS / (n + 1);
        assertThat(bucketCounts(after)).allSatisfy(count -> assertThat(count).isBetween(floor, floor + 1));
        assertThat(bucketCounts(after).stream().mapToInt(Integer::intValue).sum()).isEqualTo(BUCKETS);
        assertThat(after.needsRebalancing(0.01)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {0}+1 shards")
    @ValueSource(ints = {2, 4, 8})
    void donorsGiveUpTheTopOfTheirRangeAndKeepOneRange(int n) {
        ShardDistribution before = unweighted(RebalancePlanner.evenDirectory(BUCKETS, n), shards(1, n + 1));

        int[] after = before.apply(RebalancePlanner.plan(before)).directory();

        for (int shard = 1; shard <= n; shard++) {
            int first = -1;
            int last = -1;
            int count = 0;
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                if (after[bucket] == shard) {
                    first = first < 0 ? bucket : first;
                    last = bucket;
                    count++;
                }
            }
            assertThat(last - first + 1).as("shard %d holds one contiguous range", shard).isEqualTo(count);
        }
    }

    @ParameterizedTest(name = "{0} -> {0}+1 shards")
    @ValueSource(ints = {2, 4, 8})
    void equalRowsPerBucketPlanLikeBucketCounts(int n) {
        int[] directory = RebalancePlanner.evenDirectory(BUCKETS, n);
        long[] rows = new long[BUCKETS];
        Arrays.fill(rows, 1_000);
        ShardDistribution byRows = ShardDistribution.of(directory, shards(1, n + 1), rows, new long[BUCKETS]);

        List<BucketMove> moves = RebalancePlanner.plan(byRows);

        assertThat(byRows.measuredInRows()).isTrue();
        assertThat(moves).isEqualTo(RebalancePlanner.plan(unweighted(directory, shards(1, n + 1))));
        // The moved share of rows is within one bucket (1000 rows) of 1/(N + 1) of all rows.
        long moved = Distributions.rowsMoved(byRows, moves);
        assertThat(Math.abs(moved - (double) byRows.totalRows() / (n + 1))).isLessThan(1_000.0);
    }
}
