package com.nextleveltraders.data.rebalance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where the buckets are and what they hold: the bucket directory with each bucket's rows and bytes,
 * summed per shard. Immutable; the arrays passed in are copied. Not a hot path (read once per
 * rebalancing decision), so it favours checks and exact sums over speed.
 *
 * <p>A shard is <em>active</em> (it may own and receive buckets) or <em>retiring</em> (being removed:
 * it may still own buckets, and every one of them must leave). A directory naming any other shard is
 * refused, so that a mistyped id is an error instead of a shard silently drained.
 *
 * <p><b>Load</b> is measured in rows when any bucket holds a row, otherwise in buckets. Rows are what
 * a shard pays for (disk, cache, query time); bucket counts only stand in for them while nothing is
 * counted yet, which is still meaningful because new users spread over buckets evenly. The same
 * measure drives {@link #skew()} and {@link RebalancePlanner}.
 */
public final class ShardDistribution {

    private final int[] directory;
    private final long[] rowsPerBucket;
    private final long[] bytesPerBucket;
    private final SortedSet<Integer> activeShards;
    private final SortedSet<Integer> retiringShards;
    private final long totalRows;
    private final List<ShardLoad> loads;
    private final List<ShardLoad> retiringLoads;

    private ShardDistribution(int[] directory, SortedSet<Integer> activeShards, SortedSet<Integer> retiringShards,
            long[] rowsPerBucket, long[] bytesPerBucket) {
        this.directory = directory;
        this.activeShards = Collections.unmodifiableSortedSet(activeShards);
        this.retiringShards = Collections.unmodifiableSortedSet(retiringShards);
        this.rowsPerBucket = rowsPerBucket;
        this.bytesPerBucket = bytesPerBucket;

        // Sums per shard, in id order (TreeMap) so that every listing is deterministic.
        Map<Integer, long[]> sums = new TreeMap<>();
        for (int shard : activeShards) {
            sums.put(shard, new long[3]);
        }
        for (int shard : retiringShards) {
            sums.put(shard, new long[3]);
        }
        long rows = 0;
        for (int bucket = 0; bucket < directory.length; bucket++) {
            long[] sum = sums.get(directory[bucket]);
            sum[0]++;
            sum[1] = addExact(sum[1], rowsPerBucket[bucket], "rows of shard " + directory[bucket]);
            sum[2] = addExact(sum[2], bytesPerBucket[bucket], "bytes of shard " + directory[bucket]);
            rows = addExact(rows, rowsPerBucket[bucket], "total rows");
        }
        this.totalRows = rows;
        List<ShardLoad> active = new ArrayList<>();
        List<ShardLoad> retiring = new ArrayList<>();
        sums.forEach((shard, sum) -> (activeShards.contains(shard) ? active : retiring)
                .add(new ShardLoad(shard, (int) sum[0], sum[1], sum[2])));
        this.loads = List.copyOf(active);
        this.retiringLoads = List.copyOf(retiring);
    }

    /**
     * A distribution with no shard being removed.
     *
     * @param directory index bucket, value the id of the shard that owns it; its length is the number of buckets
     * @param activeShards the shards that may own buckets; not empty
     * @param rowsPerBucket rows in each bucket, not negative; all zero when unknown (load is then counted in buckets)
     * @param bytesPerBucket bytes in each bucket, not negative; reported, not balanced on
     * @throws IllegalArgumentException if the directory names a shard that is not active, the active set is empty,
     *     the arrays differ in length, or a figure is negative; the message names the offending value
     */
    public static ShardDistribution of(int[] directory, Set<Integer> activeShards, long[] rowsPerBucket,
            long[] bytesPerBucket) {
        return of(directory, activeShards, Set.of(), rowsPerBucket, bytesPerBucket);
    }

    /**
     * A distribution in which the shards of {@code retiringShards} are being removed: they may still
     * own buckets, which a plan then moves to active shards.
     *
     * @throws IllegalArgumentException as {@link #of(int[], Set, long[], long[])}, and if a shard is both
     *     active and retiring
     */
    public static ShardDistribution of(int[] directory, Set<Integer> activeShards, Set<Integer> retiringShards,
            long[] rowsPerBucket, long[] bytesPerBucket) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(activeShards, "activeShards");
        Objects.requireNonNull(retiringShards, "retiringShards");
        Objects.requireNonNull(rowsPerBucket, "rowsPerBucket");
        Objects.requireNonNull(bytesPerBucket, "bytesPerBucket");
        if (directory.length == 0) {
            throw new IllegalArgumentException("directory must have at least one bucket");
        }
        if (activeShards.isEmpty()) {
            throw new IllegalArgumentException("activeShards must not be empty: every bucket needs a shard to live on");
        }
        SortedSet<Integer> active = sortedCopy(activeShards, "activeShards");
        SortedSet<Integer> retiring = sortedCopy(retiringShards, "retiringShards");
        for (int shard : retiring) {
            if (active.contains(shard)) {
                throw new IllegalArgumentException("shard " + shard + " is both active and retiring");
            }
        }
        if (rowsPerBucket.length != directory.length) {
            throw new IllegalArgumentException("rowsPerBucket has " + rowsPerBucket.length + " entries for "
                    + directory.length + " buckets");
        }
        if (bytesPerBucket.length != directory.length) {
            throw new IllegalArgumentException("bytesPerBucket has " + bytesPerBucket.length + " entries for "
                    + directory.length + " buckets");
        }
        for (int bucket = 0; bucket < directory.length; bucket++) {
            int shard = directory[bucket];
            if (!active.contains(shard) && !retiring.contains(shard)) {
                throw new IllegalArgumentException("directory[" + bucket + "] names unknown shard " + shard
                        + " (active " + active + ", retiring " + retiring + ")");
            }
            if (rowsPerBucket[bucket] < 0) {
                throw new IllegalArgumentException("rowsPerBucket[" + bucket + "] must not be negative: "
                        + rowsPerBucket[bucket]);
            }
            if (bytesPerBucket[bucket] < 0) {
                throw new IllegalArgumentException("bytesPerBucket[" + bucket + "] must not be negative: "
                        + bytesPerBucket[bucket]);
            }
        }
        return new ShardDistribution(directory.clone(), active, retiring, rowsPerBucket.clone(), bytesPerBucket.clone());
    }

    /** The number of buckets, B. */
    public int buckets() {
        return directory.length;
    }

    /** The shard owning {@code bucket}, in {@code [0, buckets())}. */
    int shardOf(int bucket) {
        return directory[checkBucket(bucket)];
    }

    /** The rows in {@code bucket}. */
    public long rowsOf(int bucket) {
        return rowsPerBucket[checkBucket(bucket)];
    }

    /** The bytes in {@code bucket}. */
    long bytesOf(int bucket) {
        return bytesPerBucket[checkBucket(bucket)];
    }

    /** A copy of the directory: index bucket, value shard id. */
    public int[] directory() {
        return directory.clone();
    }

    /** The active shards, in id order. */
    SortedSet<Integer> activeShards() {
        return activeShards;
    }

    /** The shards being removed, in id order; empty when none is. */
    SortedSet<Integer> retiringShards() {
        return retiringShards;
    }

    /** One load per active shard, in id order, including shards that own nothing yet. */
    public List<ShardLoad> loads() {
        return loads;
    }

    /** One load per retiring shard, in id order. */
    List<ShardLoad> retiringLoads() {
        return retiringLoads;
    }

    /** Rows in all buckets, those of retiring shards included. */
    long totalRows() {
        return totalRows;
    }

    /** How many buckets retiring shards still own: each must move. */
    int retiringBuckets() {
        int count = 0;
        for (ShardLoad load : retiringLoads) {
            count += load.buckets();
        }
        return count;
    }

    /** Whether load is counted in rows (some bucket holds a row) rather than in buckets. */
    boolean measuredInRows() {
        return totalRows > 0;
    }

    /**
     * How uneven the active shards are: {@code (max − min) / ideal}, where max and min are the largest
     * and smallest load of an active shard and {@code ideal} is the total load of all buckets (retiring
     * shards' included, since it will land on active shards) divided by the number of active shards.
     * Load is rows, or buckets when no bucket holds a row (see the class comment).
     *
     * <p>0 when perfectly even; 0.1 means the fullest shard holds a tenth of a fair share more than the
     * emptiest. The spread over the fair share, rather than max / mean alone, because an empty new
     * shard is as much a problem as a full one, and dividing by the share makes one threshold fit any
     * number of shards and any data size. With equal buckets a perfect plan still leaves
     * {@code n / B} when n does not divide B (one bucket of difference).
     */
    public double skew() {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (ShardLoad load : loads) {
            long weight = weightOf(load);
            max = Math.max(max, weight);
            min = Math.min(min, weight);
        }
        return (double) (max - min) * loads.size() / totalWeight();
    }

    /**
     * Whether a plan is due: the skew exceeds {@code threshold}, or a retiring shard still owns a bucket.
     *
     * @param threshold the largest acceptable {@link #skew()}, finite and not negative
     */
    boolean needsRebalancing(double threshold) {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and not negative: " + threshold);
        }
        return retiringBuckets() > 0 || skew() > threshold;
    }

    /**
     * The distribution after {@code moves}, applied in order, with the same shards and figures.
     *
     * @throws IllegalArgumentException if a move names a bucket out of range, a source shard that does
     *     not own the bucket at that point, or a destination that is not active
     */
    public ShardDistribution apply(List<BucketMove> moves) {
        int[] after = directory.clone();
        for (BucketMove move : moves) {
            int bucket = checkBucket(move.bucket());
            if (after[bucket] != move.fromShard()) {
                throw new IllegalArgumentException("bucket " + bucket + " is on shard " + after[bucket]
                        + ", not on shard " + move.fromShard());
            }
            if (!activeShards.contains(move.toShard())) {
                throw new IllegalArgumentException("bucket " + bucket + " cannot move to shard " + move.toShard()
                        + ", which is not active " + activeShards);
            }
            after[bucket] = move.toShard();
        }
        return new ShardDistribution(after, new TreeSet<>(activeShards), new TreeSet<>(retiringShards),
                rowsPerBucket, bytesPerBucket);
    }

    @Override
    public String toString() {
        return "ShardDistribution[buckets=" + directory.length + ", rows=" + totalRows + ", loads=" + loads
                + (retiringLoads.isEmpty() ? "" : ", retiring=" + retiringLoads) + "]";
    }

    /** The load of one bucket in the current measure: its rows, or 1 when load is counted in buckets. */
    long weightOf(int bucket) {
        return measuredInRows() ? rowsPerBucket[bucket] : 1;
    }

    /** The load of one shard in the current measure. */
    long weightOf(ShardLoad load) {
        return measuredInRows() ? load.rows() : load.buckets();
    }

    /** The load of all buckets in the current measure: never zero, since there is at least one bucket. */
    long totalWeight() {
        return measuredInRows() ? totalRows : directory.length;
    }

    private int checkBucket(int bucket) {
        if (bucket < 0 || bucket >= directory.length) {
            throw new IllegalArgumentException("bucket " + bucket + " is outside [0, " + directory.length + ")");
        }
        return bucket;
    }

    private static SortedSet<Integer> sortedCopy(Set<Integer> shards, String name) {
        SortedSet<Integer> copy = new TreeSet<>();
        for (Integer shard : shards) {
            if (shard == null) {
                throw new IllegalArgumentException(name + " must not contain null");
            }
            copy.add(shard);
        }
        return copy;
    }

    private static long addExact(long a, long b, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " overflows a long", e);
        }
    }
}
