package com.nextleveltraders.trading;

import com.nextleveltraders.cache.RedisTierException;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.TieredCache;
import com.nextleveltraders.config.PlatformConfig;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portfolio snapshots in the tiered cache (L1 in this instance, L2 in Redis for the strategy's
 * {@code caching.redis.api}). Every committed change to a user's cash or positions invalidates
 * the user's entry before the change is acknowledged.
 */
public final class PortfolioCache {

    private static final Duration RETRY_FIRST_PAUSE = Duration.ofMillis(100);
    // A failover takes seconds: retry at least this often so that the invalidation lands soon after.
    private static final Duration RETRY_MAX_PAUSE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioCache.class);

    private final TieredCache<PortfolioSnapshot> cache; // null: every read goes to the database
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet(); // invalidations being retried

    private final Duration retryFor;

    private PortfolioCache(TieredCache<PortfolioSnapshot> cache) {
        this.cache = cache;
        this.retryFor = Duration.ZERO;
    }

    /** No caching: every read loads from PostgreSQL (for comparison, and where Redis is not wanted). */
    public static PortfolioCache disabled() {
        return new PortfolioCache(null);
    }

    public PortfolioCache(RedisConnections redis, PlatformConfig config) {
        var local = config.platform().localCache();
        this.retryFor = config.caching().redis().api();
        // "v1": the snapshot's text format; a new format takes a new namespace, so that instances of
        // two versions side by side never read each other's entries.
        this.cache = new TieredCache<>(redis, "portfolio:v1", config.caching().redis().api(), local.maxEntries(),
                local.ttl(), new TieredCache.Codec<>() {
                    @Override
                    public String encode(PortfolioSnapshot value) {
                        return value.encode();
                    }

                    @Override
                    public PortfolioSnapshot decode(String text) {
                        return PortfolioSnapshot.decode(text);
                    }
                });
    }

    PortfolioSnapshot get(UUID userId, OptionalLong generation, Supplier<PortfolioSnapshot> loader) {
        // A user whose last invalidation has not landed yet is read from the database here.
        return cache == null || pending.contains(userId) ? loader.get()
                : cache.get(userId.toString(), generation, loader);
    }

    /** The tiered cache, keyed by user id, for the session lookup to read its generations; null when disabled. */
    public TieredCache<?> tiered() {
        return cache;
    }

    /**
     * After a commit that changed the user's cash or positions, before it is acknowledged. If
     * Redis cannot be told now, or no replica confirmed it (a failover could undo it), the write
     * still stands (it is committed): the invalidation is retried in the background, at least once
     * a second, until it is confirmed or the cached entries have expired anyway. Meanwhile this
     * instance reads the user's portfolio from the database, while another instance that can reach
     * Redis may still serve the older entry: the one window left, as long as the Redis tier cannot
     * confirm writes (a failover in progress).
     */
    public void invalidate(UUID userId) {
        if (cache == null) {
            return;
        }
        try {
            cache.invalidate(userId.toString());
        } catch (RedisTierException e) {
            LOG.warn("portfolio of {} not invalidated for sure, retrying in the background: {}", userId,
                    e.getMessage());
            if (pending.add(userId)) {
                Thread.ofVirtual().name("invalidate-" + userId).start(() -> retry(userId));
            }
        }
    }

    private void retry(UUID userId) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        Duration pause = RETRY_FIRST_PAUSE;
        try {
            while (System.nanoTime() < deadline) {
                try {
                    Thread.sleep(pause);
                    cache.invalidate(userId.toString());
                    LOG.info("portfolio of {} invalidated after a retry", userId);
                    return;
                } catch (RedisTierException stillDown) {
                    pause = pause.multipliedBy(2).compareTo(RETRY_MAX_PAUSE) > 0 ? RETRY_MAX_PAUSE
                            : pause.multipliedBy(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            LOG.warn("portfolio of {} never invalidated; its cached entries have expired by now", userId);
        } finally {
            pending.remove(userId);
        }
    }

    public TieredCache.Stats stats() {
        return cache == null ? new TieredCache.Stats(0, 0, 0, 0) : cache.stats();
    }

}
