package com.nextleveltraders.data.rebalance;

/**
 * What one shard holds: how many buckets the directory gives it, and the rows and bytes in them.
 * Rows and bytes are longs because a shard's figures are sums over many users and must stay exact.
 */
public record ShardLoad(int shardId, int buckets, long rows, long bytes) {
    public ShardLoad {
        if (buckets < 0) {
            throw new IllegalArgumentException("shard " + shardId + ": buckets must not be negative: " + buckets);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("shard " + shardId + ": rows must not be negative: " + rows);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("shard " + shardId + ": bytes must not be negative: " + bytes);
        }
    }
}
