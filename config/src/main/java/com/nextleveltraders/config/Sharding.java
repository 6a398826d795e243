package com.nextleveltraders.config;

/**
 * Sharding of user data: {@code bucket = hash(userId) mod buckets}, each bucket living on one of
 * {@code shards} shards: {@code database.sharding}.
 */
public record Sharding(int buckets, int shards) {

    public Sharding {
        Ranges.of(Sharding.class)
                .atLeast("buckets", buckets, 1)
                .atLeast("shards", shards, 1)
                .check();
    }
}
