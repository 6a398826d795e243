package com.nextleveltraders.data;

import java.util.List;
import java.util.UUID;

/**
 * Maps a user to the shard holding their rows: user → bucket → shard. Implementations are
 * thread-safe.
 */
public interface ShardRouter {

    /** The bucket of a user, in {@code [0, buckets)}; stable for the life of the user. */
    int bucketOf(UUID userId);

    /** The shard that owns the user's bucket now. */
    Shard shardFor(UUID userId);

    /** Every shard, for work that runs per shard (the fill engine, migrations). */
    List<Shard> shards();
}
