package com.nextleveltraders.trading;

import com.nextleveltraders.cache.CacheUnavailableException;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.TieredCache;
import com.nextleveltraders.config.PlatformConfig;
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

    private static final Logger LOG = LoggerFactory.getLogger(PortfolioCache.class);

    private final TieredCache<PortfolioSnapshot> cache; // null: every read goes to the database

    private PortfolioCache(TieredCache<PortfolioSnapshot> cache) {
        this.cache = cache;
    }

    /** No caching: every read loads from PostgreSQL (for comparison, and where Redis is not wanted). */
    public static PortfolioCache disabled() {
        return new PortfolioCache(null);
    }

    public PortfolioCache(RedisConnections redis, PlatformConfig config) {
        var local = config.platform().localCache();
        this.cache = new TieredCache<>(redis, "portfolio", config.caching().redis().api(), local.maxEntries(),
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

    PortfolioSnapshot get(UUID userId, Supplier<PortfolioSnapshot> loader) {
        return cache == null ? loader.get() : cache.get(userId.toString(), loader);
    }

    /**
     * After a commit that changed the user's cash or positions. If Redis cannot be told, the write
     * still stands (it is committed); readers cannot reach Redis either then and read from the
     * database, so the risk is only an entry cached before an outage that lost this increment.
     */
    public void invalidate(UUID userId) {
        if (cache == null) {
            return;
        }
        try {
            cache.invalidate(userId.toString());
        } catch (CacheUnavailableException e) {
            LOG.warn("portfolio of {} not invalidated: {}", userId, e.getMessage());
        }
    }

    public TieredCache.Stats stats() {
        return cache == null ? new TieredCache.Stats(0, 0, 0, 0) : cache.stats();
    }

}
