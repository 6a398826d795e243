package com.nextleveltraders.data.rebalance;

import static com.nextleveltraders.data.rebalance.Distributions.bucketCounts;
import static com.nextleveltraders.data.rebalance.Distributions.minimumMoves;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The planner's move count against the independent lower bound, on many random bucket layouts. */
class PlanMinimalityTest {

    @Test
    void randomLayoutsMoveExactlyTheMinimumAndEndEven() {
        SplittableRandom random = new SplittableRandom(2024);
        for (int round = 0; round < 500; round++) {
            int buckets = 1 + random.nextInt(300);
            int shards = 1 + random.nextInt(Math.min(buckets, 12));
            Set<Integer> active = new TreeSet<>();
            Set<Integer> retiring = new TreeSet<>();
            for (int shard = 1; shard <= shards; shard++) {
                (shard > 1 && random.nextInt(4) == 0 ? retiring : active).add(shard);
            }
            // Lopsided layouts: each bucket goes to a shard drawn with a random bias.
            int[] directory = new int[buckets];
            double bias = 0.5 + 3 * random.nextDouble();
            for (int bucket = 0; bucket < buckets; bucket++) {
                directory[bucket] = 1 + (int) (shards * Math.pow(random.nextDouble(), bias));
            }
            ShardDistribution before = ShardDistribution.of(directory, active, retiring,
                    new long[buckets], new long[buckets]);

            List<BucketMove> moves = RebalancePlanner.plan(before);
            ShardDistribution after = before.apply(moves);

            assertThat(moves).as("round %d: %s", round, before).hasSize(minimumMoves(before));
            int floor = buckets / active.size();
            assertThat(bucketCounts(after)).allSatisfy(count -> assertThat(count).isBetween(floor, floor + 1));
            assertThat(after.retiringBuckets()).isZero();
        }
    }
}
