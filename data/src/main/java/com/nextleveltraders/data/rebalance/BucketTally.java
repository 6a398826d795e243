package com.nextleveltraders.data.rebalance;

import com.nextleveltraders.data.Buckets;
import java.util.UUID;

/**
 * Per-bucket rows and bytes summed from per-user figures with the platform's own bucket hash: the
 * input of {@link ShardDistribution} for callers that list users rather than buckets (benchmarks,
 * tests, a scan of the user catalog), so that none of them repeats the hash. Not thread-safe: one
 * tally per thread.
 */
public final class BucketTally {

    private final long[] rows;
    private final long[] bytes;

    /** @param buckets the number of buckets B, positive */
    public BucketTally(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        this.rows = new long[buckets];
        this.bytes = new long[buckets];
    }

    /**
     * Counts one user's rows and bytes in their bucket, and returns that bucket.
     *
     * @throws IllegalArgumentException if a figure is negative or a bucket's sum would overflow
     */
    public int add(UUID userId, long userRows, long userBytes) {
        if (userRows < 0 || userBytes < 0) {
            throw new IllegalArgumentException("user " + userId + ": rows and bytes must not be negative: "
                    + userRows + ", " + userBytes);
        }
        int bucket = Buckets.bucketOf(userId, rows.length);
        try {
            long newRows = Math.addExact(rows[bucket], userRows);
            bytes[bucket] = Math.addExact(bytes[bucket], userBytes);
            rows[bucket] = newRows;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("bucket " + bucket + ": sum overflows a long", e);
        }
        return bucket;
    }

    /** A copy of the rows per bucket. */
    public long[] rowsPerBucket() {
        return rows.clone();
    }

    /** A copy of the bytes per bucket. */
    public long[] bytesPerBucket() {
        return bytes.clone();
    }
}
