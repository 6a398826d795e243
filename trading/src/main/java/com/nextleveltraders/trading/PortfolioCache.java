package com.nextleveltraders.trading;

import com.nextleveltraders.cache.CacheUnavailableException;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.TieredCache;
import com.nextleveltraders.config.PlatformConfig;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
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

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioCache.class);

    private final TieredCache<PortfolioSnapshot> cache; // null: every read goes to the database

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
        return cache == null ? loader.get() : cache.get(userId.toString(), generation, loader);
    }

    /** The tiered cache, keyed by user id, for the session lookup to read its generations; null when disabled. */
    public TieredCache<?> tiered() {
        return cache;
    }

    /**
     * After a commit that changed the user's cash or positions, before it is acknowledged. If
     * Redis cannot be told now, the write still stands (it is committed) and the invalidation is
     * retried in the background until it succeeds or the cached entries have expired anyway;
     * meanwhile an instance that can reach Redis may serve the portfolio from before this write.
     */
    public void invalidate(UUID userId) {
        if (cache == null) {
            return;
        }
        try {
            cache.invalidate(userId.toString());
        } catch (CacheUnavailableException e) {
            LOG.warn("portfolio of {} not invalidated, retrying in the background: {}", userId, e.getMessage());
            Thread.ofVirtual().name("invalidate-" + userId).start(() -> retry(userId));
        }
    }

    private void retry(UUID userId) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        Duration pause = RETRY_FIRST_PAUSE;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(pause);
                cache.invalidate(userId.toString());
                LOG.info("portfolio of {} invalidated after a retry", userId);
                return;
            } catch (CacheUnavailableException stillDown) {
                pause = pause.multipliedBy(2).compareTo(retryFor) > 0 ? retryFor : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("portfolio of {} never invalidated; its cached entries have expired by now", userId);
    }

    public TieredCache.Stats stats() {
        return cache == null ? new TieredCache.Stats(0, 0, 0, 0) : cache.stats();
    }

}
