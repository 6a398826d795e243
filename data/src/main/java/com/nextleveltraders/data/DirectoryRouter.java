package com.nextleveltraders.data;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * user → bucket → shard, from the catalog's bucket directory and shard registry, cached here and
 * read again when a write finds its shard no longer owns the bucket ({@link StaleDirectoryException}),
 * a bucket has no owner in the cached copy, or a shard's primary does not answer (it may have been
 * failed over to its replica).
 */
final class DirectoryRouter implements ShardRouter {

    /** One consistent view: the directory and the shards it names. */
    private record View(int[] owners, Map<Integer, Shard> shards) {
    }

    private final DataSource catalog;
    private final int buckets;
    private final ServerPools pools;
    private final Consumer<Shard> left;
    private final Clock clock;
    private final Duration closeAfter;
    private final DataMetrics metrics;
    /** Pools of shards that left the view, and since when: closed once {@link #closeAfter} has passed. */
    private final Map<DataSource, Instant> leaving = new IdentityHashMap<>(); // guarded by this
    private volatile View view = new View(new int[0], Map.of());
    private long refreshedAt = System.nanoTime() - Duration.ofDays(1).toNanos(); // guarded by this

    /**
     * @param left       told of each shard that left the view (retired, or registered again on
     *                   other servers)
     * @param closeAfter how long the pools only such a shard used stay open after it left: a
     *                   request that took the shard from the view just before may still be
     *                   asking them for a connection, and a closed pool would fail it outright
     */
    DirectoryRouter(DataSource catalog, int buckets, ServerPools pools, Consumer<Shard> left, Clock clock,
            Duration closeAfter, DataMetrics metrics) {
        this.catalog = catalog;
        this.buckets = buckets;
        this.pools = pools;
        this.left = left;
        this.clock = clock;
        this.closeAfter = closeAfter;
        this.metrics = metrics;
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

    /**
     * As {@link #refresh}, unless the view was read less than {@code age} ago: what a write that
     * found its shard's primary gone does, many at once when a primary dies under load, so that
     * they read the catalog a few times, not once each.
     */
    synchronized View refreshIfOlderThan(Duration age) {
        if (System.nanoTime() - refreshedAt < age.toNanos()) {
            return view;
        }
        return refresh();
    }

    /** Reads the registry and the directory again; returns the new view. */
    synchronized View refresh() {
        long start = System.nanoTime();
        try {
            return readView();
        } finally {
            metrics.unitOfWork("read_directory", System.nanoTime() - start);
        }
    }

    private View readView() {
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
        View next = new View(ShardRegistry.directory(catalog, buckets), Collections.unmodifiableMap(shards));
        refreshedAt = System.nanoTime();
        View previous = view;
        view = next;
        closeLeft(previous, next);
        return next;
    }

    /**
     * A shard retired by {@code nlt shards remove} in another process stays open here until a
     * refresh shows it gone: then whatever watches it stops at once, and its pools close at the
     * first refresh {@code closeAfter} later (the directory is read again at least every few
     * seconds), unless the catalog or a shard in the view uses the same server again by then.
     * Otherwise a running instance would keep idle connections to servers that may be stopped.
     */
    private void closeLeft(View previous, View next) {
        Set<DataSource> used = Collections.newSetFromMap(new IdentityHashMap<>());
        used.add(catalog);
        for (Shard shard : next.shards().values()) {
            used.add(shard.primary());
            if (shard.replica() != null) {
                used.add(shard.replica());
            }
        }
        Instant now = clock.instant();
        for (Shard shard : previous.shards().values()) {
            Shard stillThere = next.shards().get(shard.id());
            if (stillThere != null && stillThere.primary() == shard.primary() && stillThere.replica() == shard.replica()) {
                continue;
            }
            left.accept(shard);
            for (DataSource pool : new DataSource[] {shard.primary(), shard.replica()}) {
                if (pool != null) {
                    leaving.putIfAbsent(pool, now);
                }
            }
        }
        leaving.keySet().removeIf(used::contains);
        leaving.entrySet().removeIf(entry -> {
            if (now.isBefore(entry.getValue().plus(closeAfter))) {
                return false;
            }
            pools.close(entry.getKey());
            return true;
        });
    }
}
