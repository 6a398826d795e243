package com.nextleveltraders.data.rebalance;

/**
 * One step of a rebalancing plan: bucket {@code bucket} leaves shard {@code fromShard} for shard
 * {@code toShard}. A bucket is the unit that moves because every row carries its bucket, so a bucket
 * can be copied, fenced and flipped by itself while the rest of both shards keeps serving.
 */
public record BucketMove(int bucket, int fromShard, int toShard) {
    public BucketMove {
        if (bucket < 0) {
            throw new IllegalArgumentException("bucket must not be negative: " + bucket);
        }
        if (fromShard == toShard) {
            throw new IllegalArgumentException("bucket " + bucket + " would move from shard " + fromShard + " to itself");
        }
    }
}
