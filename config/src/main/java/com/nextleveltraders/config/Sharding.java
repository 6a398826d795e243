package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Sharding of user data: {@code bucket = hash(userId) mod buckets}, each bucket living on one of
 * {@code shards} shards: {@code database.sharding}.
 *
 * @param moveBatch              rows of one table a bucket move copies per statement, 1 to
 *                               {@value #MAX_MOVE_BATCH}: the rows of a batch travel as one JSON
 *                               parameter, so it bounds what both servers hold of it at once
 * @param retiredPoolsCloseAfter how long an instance keeps the connection pools of a shard that left
 *                               the directory, not negative: longer than any request can hold a shard
 *                               it took from the directory before, so that none is cut off
 */
public record Sharding(int buckets, int shards, int moveBatch, Duration retiredPoolsCloseAfter) {

    /** The largest {@code moveBatch}. */
    public static final int MAX_MOVE_BATCH = 100_000;

    public Sharding {
        Objects.requireNonNull(retiredPoolsCloseAfter, "retiredPoolsCloseAfter");
        Ranges.of(Sharding.class)
                .atLeast("buckets", buckets, 1)
                .atLeast("shards", shards, 1)
                .between("moveBatch", moveBatch, 1, MAX_MOVE_BATCH)
                .that(!retiredPoolsCloseAfter.isNegative(), "retiredPoolsCloseAfter",
                        "must not be negative (got " + retiredPoolsCloseAfter.toMillis() + "ms)")
                .check();
    }
}
