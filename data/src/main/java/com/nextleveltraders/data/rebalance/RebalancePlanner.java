package com.nextleveltraders.data.rebalance;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Plans which buckets move so that the active shards hold even loads, moving whole buckets and as
 * few as it can. Pure logic: it reads a {@link ShardDistribution} and returns moves; executing them
 * (copy, catch up, freeze, verify, flip) is the rebalancer's job.
 *
 * <p><b>The goal.</b> Every active shard ends strictly within one bucket's worth of its fair share:
 * {@code |load − total / n| < total / B}, with load in rows, or in buckets when no rows are counted
 * (see {@link ShardDistribution}). With buckets of equal size this is exactly "every shard holds
 * {@code floor(B / n)} or {@code ceil(B / n)} buckets". Buckets of retiring shards all move.
 *
 * <p><b>The method.</b> First each bucket of a retiring shard, heaviest first, goes to the lightest
 * active shard. Then, while some shard is outside the goal, one bucket moves from the heaviest shard
 * H to the lightest L: of H's buckets with {@code 0 < w < load(H) − load(L)}, the one that leaves the
 * two closest together. Such a move never makes anything worse: H goes down, L stays below H's old
 * load, so the largest load does not grow, the smallest does not shrink, and the sum of squared
 * loads falls strictly (by {@code 2w(gap − w)}), which is also why the loop ends. If no bucket of H
 * fits, the plan stops there (buckets too coarse to do better between those two). A bucket moved
 * twice is reported once, from where it is to where it ends. Ties go to the lower shard id and the
 * higher bucket number, so the same input always gives the same plan, and a shard laid out by
 * {@link #evenDirectory} gives up the top of its range and keeps one contiguous range.
 *
 * <p><b>Why the number of moves is the fewest when buckets weigh the same.</b> Let c(s) be the
 * buckets of shard s, {@code f = B / n}, {@code r = B % n}. An even end state gives r shards f + 1
 * buckets and the others f (retiring shards 0), and shard s must then give away at least
 * c(s) − t(s) of its buckets; so every plan needs at least D = min over targets t of
 * Σ max(0, c(s) − t(s)) moves, the minimum reached by giving the f + 1 targets to the r fullest
 * shards (moving such a target from a smaller shard to a larger one never raises the sum). One move
 * changes D by at most one. Each move made here lowers it by exactly one, because its source is
 * above target and its destination below (taking, among shards of equal count, the source last and
 * the destination first in that assignment):
 * <ul>
 * <li>a retiring source is always above its target 0;
 * <li>an active source holds the maximum M, and M ≥ m + 2 over the minimum m (else no move). If
 *     M ≥ f + 2 it is above any target. If M = f + 1 had target f + 1, at most r shards would hold
 *     f + 1, the others at most f and the destination m ≤ f − 1: fewer than nf + r = B buckets in
 *     all, impossible, since by then the retiring shards are empty;
 * <li>the destination holds the minimum m. If m ≤ f − 1 it is below any target. If m = f had
 *     target f, at least r shards would hold f + 1 or more, so the active shards would hold at least
 *     B buckets, and B + 1 if the source is active (it holds f + 2 or more): impossible, since either
 *     a bucket is still on a retiring shard or the source's extra bucket does not fit. And m ≥ f + 1
 *     would put more than B buckets on the active shards.
 * </ul>
 * The loop only stops once the goal holds, since in buckets "some shard outside the goal" implies
 * M − m ≥ 2 and so a bucket that fits. Hence exactly D moves: B − Σ kept, the minimum. For a new
 * shard that is {@code floor(B / (N + 1))} buckets, within one bucket of the 1/(N + 1) of the data
 * that must move at the very least. With real, unequal rows the same loop is a greedy heuristic
 * (the exact problem is a bin-packing variant), taking the fewest moves it can by preferring the
 * bucket that closes the largest part of the gap.
 */
public final class RebalancePlanner {

    private RebalancePlanner() {
    }

    /**
     * The initial directory for {@code shards} shards, with ids 1 to {@code shards}: shard s owns the
     * contiguous range {@code [(s − 1)·B / n, s·B / n)}, so the sizes differ by at most one bucket.
     *
     * <p>Contiguous ranges rather than round robin ({@code i mod n + 1}): buckets are hash slices, so
     * either spreads users equally, but a range lets a shard's whole holding be written and checked as
     * one {@code bucket >= a and bucket < b}, and read at a glance; the planner takes buckets from the
     * top of a donor's range, which therefore stays one range.
     *
     * @throws IllegalArgumentException unless {@code 1 <= shards <= buckets}
     */
    public static int[] evenDirectory(int buckets, int shards) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        if (shards < 1 || shards > buckets) {
            throw new IllegalArgumentException("shards must be in [1, " + buckets + "]: " + shards);
        }
        int[] directory = new int[buckets];
        for (int shard = 1; shard <= shards; shard++) {
            int from = (int) ((long) (shard - 1) * buckets / shards);
            int to = (int) ((long) shard * buckets / shards);
            for (int bucket = from; bucket < to; bucket++) {
                directory[bucket] = shard;
            }
        }
        return directory;
    }

    /**
     * The moves that bring {@code distribution} to even loads (see the class comment), in bucket
     * order; empty when it is even already and no shard is retiring. Deterministic.
     */
    public static List<BucketMove> plan(ShardDistribution distribution) {
        return new Plan(distribution).run();
    }

    /** The working state of one planning run: who owns what, and each active shard's load. */
    private static final class Plan {

        private final ShardDistribution distribution;
        private final int[] owner;
        private final int[] shardIds;
        private final long[] load;
        private final int[] count;
        private final BigInteger total;
        private final BigInteger buckets;
        private final BigInteger shards;

        Plan(ShardDistribution distribution) {
            this.distribution = distribution;
            this.owner = distribution.directory();
            this.shardIds = distribution.activeShards().stream().mapToInt(Integer::intValue).toArray();
            this.load = new long[shardIds.length];
            this.count = new int[shardIds.length];
            for (int bucket = 0; bucket < owner.length; bucket++) {
                int index = indexOf(owner[bucket]);
                if (index >= 0) {
                    load[index] += distribution.weightOf(bucket);
                    count[index]++;
                }
            }
            this.total = BigInteger.valueOf(distribution.totalWeight());
            this.buckets = BigInteger.valueOf(owner.length);
            this.shards = BigInteger.valueOf(shardIds.length);
        }

        List<BucketMove> run() {
            drainRetiring();
            balance();
            List<BucketMove> moves = new ArrayList<>();
            for (int bucket = 0; bucket < owner.length; bucket++) {
                int from = distribution.shardOf(bucket);
                if (owner[bucket] != from) {
                    moves.add(new BucketMove(bucket, from, owner[bucket]));
                }
            }
            return List.copyOf(moves);
        }

        /** Every bucket of a retiring shard, heaviest first (the classic greedy for even bins). */
        private void drainRetiring() {
            List<Integer> leaving = new ArrayList<>();
            for (int bucket = owner.length - 1; bucket >= 0; bucket--) {
                if (indexOf(owner[bucket]) < 0) {
                    leaving.add(bucket);
                }
            }
            // Stable sort: equal weights keep the descending bucket order of the list.
            leaving.sort(Comparator.comparingLong((Integer bucket) -> distribution.weightOf(bucket)).reversed());
            for (int bucket : leaving) {
                moveTo(bucket, lightest());
            }
        }

        private void balance() {
            // Each step lowers the sum of squared loads, so the loop ends; the cap only bounds the time
            // spent on adversarial weights, and stopping early still leaves an improvement.
            long steps = (long) owner.length * shardIds.length;
            while (!even() && steps-- > 0) {
                int from = heaviest();
                int to = lightest();
                long gap = load[from] - load[to];
                int best = -1;
                long bestGap = gap;
                for (int bucket = owner.length - 1; bucket >= 0; bucket--) {
                    if (owner[bucket] != shardIds[from]) {
                        continue;
                    }
                    long weight = distribution.weightOf(bucket);
                    if (weight <= 0 || weight >= gap) {
                        continue; // moves nothing, or would leave the pair as far apart or worse
                    }
                    long after = Math.abs((load[from] - weight) - (load[to] + weight));
                    if (after < bestGap) {
                        best = bucket;
                        bestGap = after;
                    }
                }
                if (best < 0) {
                    return;
                }
                moveTo(best, to);
            }
        }

        private void moveTo(int bucket, int to) {
            int from = indexOf(owner[bucket]);
            long weight = distribution.weightOf(bucket);
            if (from >= 0) {
                load[from] -= weight;
                count[from]--;
            }
            owner[bucket] = shardIds[to];
            load[to] += weight;
            count[to]++;
        }

        /** Whether every active shard is strictly within one bucket's worth of its share (exact). */
        private boolean even() {
            // |load − total/n| < total/B  ⇔  |load·n − total|·B < total·n, in integers that cannot overflow.
            BigInteger bound = total.multiply(shards);
            for (long shardLoad : load) {
                BigInteger distance = BigInteger.valueOf(shardLoad).multiply(shards).subtract(total).abs();
                if (distance.multiply(buckets).compareTo(bound) >= 0) {
                    return false;
                }
            }
            return true;
        }

        /** The largest load; then the most buckets; then the lowest id. */
        private int heaviest() {
            int best = 0;
            for (int i = 1; i < load.length; i++) {
                if (load[i] > load[best] || load[i] == load[best] && count[i] > count[best]) {
                    best = i;
                }
            }
            return best;
        }

        /** The smallest load; then the fewest buckets, so empty buckets spread too; then the lowest id. */
        private int lightest() {
            int best = 0;
            for (int i = 1; i < load.length; i++) {
                if (load[i] < load[best] || load[i] == load[best] && count[i] < count[best]) {
                    best = i;
                }
            }
            return best;
        }

        private int indexOf(int shardId) {
            int index = Arrays.binarySearch(shardIds, shardId); // ids are sorted: active shards come as a SortedSet
            return index >= 0 ? index : -1;
        }
    }
}
