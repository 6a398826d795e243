package com.nextleveltraders.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * user → bucket → shard, from the catalog's bucket directory, cached here and read again when a
 * write finds its shard no longer owns the bucket ({@link StaleDirectoryException}) or a bucket
 * has no owner in the cached copy.
 */
final class DirectoryRouter implements ShardRouter {

    /** One consistent view: the directory and the shards it names. */
    private record View(int[] owners, Map<Integer, Shard> shards) {
    }

    private final DataSource catalog;
    private final int buckets;
    private final ServerPools pools;
    private volatile View view = new View(new int[0], Map.of());

    DirectoryRouter(DataSource catalog, int buckets, ServerPools pools) {
        this.catalog = catalog;
        this.buckets = buckets;
        this.pools = pools;
    }

    @Override
    public int bucketOf(UUID userId) {
        return Buckets.bucketOf(userId, buckets);
    }

    @Override
    public Shard shardFor(UUID userId) {
        int bucket = bucketOf(userId);
        Shard shard = owner(view, bucket);
        if (shard == null) {
            shard = owner(refresh(), bucket);
        }
        if (shard == null) {
            throw new DatabaseUnavailableException("no shard owns bucket " + bucket + " (is the catalog migrated?)",
                    null);
        }
        return shard;
    }

    private static Shard owner(View view, int bucket) {
        return bucket < view.owners().length ? view.shards().get(view.owners()[bucket]) : null;
    }

    @Override
    public List<Shard> shards() {
        View current = view;
        if (current.shards().isEmpty()) {
            current = refresh();
        }
        return List.copyOf(current.shards().values());
    }

    /** Reads the registry and the directory again; returns the new view. */
    synchronized View refresh() {
        Map<Integer, Shard> shards = new LinkedHashMap<>();
        for (RegisteredShard registered : ShardRegistry.list(catalog)) {
            if (registered.state() == ShardState.RETIRED) {
                continue;
            }
            DataSource primary = pools.get(registered.primaryHost(), registered.primaryPort(), registered.database());
            DataSource replica = registered.hasReplica()
                    ? pools.get(registered.replicaHost(), registered.replicaPort(), registered.database()) : null;
            shards.put(registered.id(), new Shard(registered.id(), primary, replica));
        }
        View next = new View(ShardRegistry.directory(catalog, buckets), java.util.Collections.unmodifiableMap(shards));
        view = next;
        return next;
    }
}
