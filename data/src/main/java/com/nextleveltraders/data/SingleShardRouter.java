package com.nextleveltraders.data;

import java.util.List;
import java.util.UUID;

/** Every bucket on one shard: the topology of a single PostgreSQL server. */
final class SingleShardRouter implements ShardRouter {

    private final Shard shard;
    private final int buckets;

    SingleShardRouter(Shard shard, int buckets) {
        this.shard = shard;
        this.buckets = buckets;
    }

    @Override
    public int bucketOf(UUID userId) {
        return Buckets.bucketOf(userId, buckets);
    }

    @Override
    public Shard shardFor(UUID userId) {
        return shard;
    }

    @Override
    public List<Shard> shards() {
        return List.of(shard);
    }
}
