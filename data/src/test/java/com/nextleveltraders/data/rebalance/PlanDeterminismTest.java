package com.nextleveltraders.data.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanDeterminismTest {

    @Test
    void theSameInputGivesTheSamePlanWhateverTheOrderOfTheShardSet() {
        SplittableRandom random = new SplittableRandom(99);
        int[] directory = new int[1024];
        long[] rows = new long[1024];
        for (int bucket = 0; bucket < directory.length; bucket++) {
            directory[bucket] = 1 + random.nextInt(6);
            rows[bucket] = random.nextInt(1_000);
        }
        Set<Integer> ascending = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7));
        Set<Integer> descending = new LinkedHashSet<>(List.of(7, 6, 5, 4, 3, 2, 1));

        List<BucketMove> first = RebalancePlanner.plan(ShardDistribution.of(directory, ascending, rows, rows));
        List<BucketMove> second = RebalancePlanner.plan(ShardDistribution.of(directory.clone(), descending,
                rows.clone(), rows.clone()));

        assertThat(first).isNotEmpty().isEqualTo(second);
        assertThat(first).isSortedAccordingTo((a, b) -> Integer.compare(a.bucket(), b.bucket()));
    }

    @Test
    void anEvenDistributionPlansNothing() {
        for (int shards = 1; shards <= 9; shards++) {
            ShardDistribution even = Distributions.unweighted(RebalancePlanner.evenDirectory(1024, shards),
                    Distributions.shards(1, shards));

            assertThat(RebalancePlanner.plan(even)).as("%d shards", shards).isEmpty();
            assertThat(even.needsRebalancing(0.01)).isFalse();
        }
    }

    @Test
    void thePlanIsUnaffectedByLaterChangesToTheCallersArrays() {
        int[] directory = RebalancePlanner.evenDirectory(16, 2);
        long[] rows = new long[16];
        ShardDistribution distribution = ShardDistribution.of(directory, Distributions.shards(1, 3), rows, rows);
        List<BucketMove> plan = RebalancePlanner.plan(distribution);

        directory[0] = 3;
        rows[0] = 1_000;

        assertThat(RebalancePlanner.plan(distribution)).isEqualTo(plan);
        assertThat(distribution.shardOf(0)).isEqualTo(1);
    }
}
