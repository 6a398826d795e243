package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.Distributions.bucketCounts;
import static com.nextleveltraders.data.rebalance.Distributions.minimumMoves;
import static com.nextleveltraders.data.rebalance.Distributions.shards;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RemovingAShardTest {

    private static final int BUCKETS = 1024;

    @Test
    void movesExactlyTheBucketsOfTheRetiringShardAndSpreadsThemEvenly() {
        int[] directory = RebalancePlanner.evenDirectory(BUCKETS, 5);
        int owned = (int) Arrays.stream(directory).filter(shard -> shard == 3).count();
        ShardDistribution before = ShardDistribution.of(directory, Set.of(1, 2, 4, 5), Set.of(3),
                new long[BUCKETS], new long[BUCKETS]);
        assertThat(before.retiringBuckets()).isEqualTo(owned).isEqualTo(205);

        List<BucketMove> moves = RebalancePlanner.plan(before);
        ShardDistribution after = before.apply(moves);

        assertThat(moves).hasSize(owned).hasSize(minimumMoves(before));
        assertThat(moves).allSatisfy(move -> assertThat(move.fromShard()).isEqualTo(3));
        assertThat(bucketCounts(after)).containsOnly(BUCKETS / 4);
        Map<Integer, Long> received = moves.stream()
                .collect(Collectors.groupingBy(BucketMove::toShard, Collectors.counting()));
        assertThat(received.values()).allSatisfy(count -> assertThat(count).isBetween(51L, 52L));
        assertThat(after.retiringLoads()).containsExactly(new ShardLoad(3, 0, 0, 0));
        assertThat(after.needsRebalancing(0.0)).isFalse();
    }

    @Test
    void aRetiringShardThatStillOwnsBucketsNeedsRebalancingWhateverTheSkew() {
        int[] directory = new int[8];
        directory[0] = 9; // one bucket left on shard 9; the others even over 1 and 2
        for (int bucket = 1; bucket < 8; bucket++) {
            directory[bucket] = bucket % 2 + 1;
        }
        ShardDistribution distribution = ShardDistribution.of(directory, Set.of(1, 2), Set.of(9),
                new long[8], new long[8]);

        assertThat(distribution.needsRebalancing(10.0)).isTrue();
        // Shard 1 holds 3 buckets, shard 2 holds 4: the lighter one takes the last bucket of shard 9.
        assertThat(RebalancePlanner.plan(distribution)).containsExactly(new BucketMove(0, 9, 1));
    }

    @Test
    void emptyBucketsOfARetiringShardSpreadEvenWhenLoadIsCountedInRows() {
        int[] directory = RebalancePlanner.evenDirectory(12, 3);
        long[] rows = new long[12];
        Arrays.fill(rows, 0, 8, 100); // shards 1 and 2 hold rows; shard 3's four buckets are empty
        ShardDistribution before = ShardDistribution.of(directory, shards(1, 2), Set.of(3), rows, new long[12]);

        ShardDistribution after = before.apply(RebalancePlanner.plan(before));

        assertThat(bucketCounts(after)).containsExactly(6, 6);
        assertThat(after.skew()).isZero();
    }
}
