package com.nextleveltraders.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through cache in two tiers, Caffeine (L1, in this instance) and Redis (L2, shared), that
 * never serves an entry older than the last acknowledged write, on any instance.
 *
 * <p>Each id has a generation in Redis. Every read first fetches it (one round trip, or none when
 * the session lookup brought it along) and looks up
 * the entry of that generation: L1, then L2, then the loader. Every write to the underlying data
 * moves the generation on after its commit and before it is acknowledged ({@link #invalidate}).
 * A reader that saw the old generation may still store what it loaded under the old generation,
 * but from then on every reader asks for the new one; so no L1 anywhere needs to be told, and no
 * pub/sub message can be missed. Generations never repeat, even when Redis loses them
 * ({@code redis/generation.lua}). When Redis is unreachable, reads go to the loader.
 *
 * @param <V> the cached value; {@code codec} turns it into the text stored in Redis
 */
public final class TieredCache<V> {

    private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

    /** Text form of cached values, for L2. */
    public interface Codec<V> {
        String encode(V value);

        /** The value of {@code text}; any exception means the text is unusable (treated as a miss). */
        V decode(String text);
    }

    private record Key(String id, long generation) {
    }

    private final RedisConnections redis;
    private final RedisScript generations;
    private final String namespace;
    private final Duration l2Ttl;
    private final Codec<V> codec;
    private final Cache<Key, V> l1;
    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();

    /** {@code namespace} names the value and its format version (e.g. "portfolio:v1"). */
    public TieredCache(RedisConnections redis, String namespace, Duration l2Ttl, int l1MaxEntries, Duration l1Ttl,
            Codec<V> codec) {
        this.redis = redis;
        this.generations = new RedisScript(redis, "/redis/generation.lua");
        this.namespace = namespace;
        this.l2Ttl = l2Ttl;
        this.codec = codec;
        this.l1 = Caffeine.newBuilder().maximumSize(l1MaxEntries).expireAfterWrite(l1Ttl).build();
    }

    /** The value of {@code id}, no older than the last {@link #invalidate} of it that returned. */
    public V get(String id, Supplier<V> loader) {
        return get(id, OptionalLong.empty(), loader);
    }

    /**
     * As {@link #get(String, Supplier)}, given the id's generation when the caller has just read it
     * from Redis on this request's behalf (see {@link SessionStore}), which saves a round trip.
     */
    public V get(String id, OptionalLong knownGeneration, Supplier<V> loader) {
        long generation;
        if (knownGeneration.isPresent()) {
            generation = knownGeneration.getAsLong();
        } else {
            try {
                generation = currentGeneration(id);
            } catch (RedisException e) {
                bypasses.increment();
                return loader.get();
            }
        }
        Key key = new Key(id, generation);
        V cached = l1.getIfPresent(key);
        if (cached != null) {
            l1Hits.increment();
            return cached;
        }
        // Concurrent misses of one entry in this instance wait for one load instead of each loading.
        return l1.get(key, k -> throughL2(k, loader));
    }

    private V throughL2(Key key, Supplier<V> loader) {
        String l2Key = valueKey(key);
        String text;
        try {
            // A replica may lag, but an entry never changes under its key: it lags into a miss, not a stale value.
            text = redis.replicaReads().get(l2Key);
        } catch (RedisException e) {
            bypasses.increment();
            return loader.get();
        }
        if (text != null) {
            try {
                V value = codec.decode(text);
                l2Hits.increment();
                return value;
            } catch (RuntimeException unusable) {
                LOG.warn("dropping an unreadable cache entry {}: {}", l2Key, unusable.toString());
                deleteQuietly(l2Key);
            }
        }
        misses.increment();
        V value = loader.get();
        try {
            redis.sync().set(l2Key, codec.encode(value), SetArgs.Builder.px(l2Ttl.toMillis()));
        } catch (RedisException e) {
            LOG.debug("cannot store {} in Redis: {}", l2Key, e.getMessage());
        }
        return value;
    }

    /**
     * Makes every tier on every instance forget {@code id}: call after the write commits and before
     * it is acknowledged. Throws {@link CacheUnavailableException} when Redis cannot be told, and
     * {@link NotReplicatedException} when it was told but no replica confirmed it in time (then a
     * failover could undo it: the caller should try again).
     */
    public void invalidate(String id) {
        try {
            // Durable: if the master failed over without it, readers would return to the old generation.
            String key = generationKey(id);
            redis.durably(key, commands -> generations.run(commands, ScriptOutputType.INTEGER, new String[] {key},
                    "bump"));
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot invalidate " + namespace + " " + id, e);
        }
    }

    /** Hits in L1 and L2, misses (loaded), and reads that bypassed the cache because Redis was away. */
    public Stats stats() {
        return new Stats(l1Hits.sum(), l2Hits.sum(), misses.sum(), bypasses.sum());
    }

    /** Counters since start. */
    public record Stats(long l1Hits, long l2Hits, long misses, long bypasses) {
        /** Share of reads answered without the loader. */
        public double hitRatio() {
            long total = l1Hits + l2Hits + misses + bypasses;
            return total == 0 ? 0 : (double) (l1Hits + l2Hits) / total;
        }
    }

    private void deleteQuietly(String key) {
        try {
            redis.sync().del(key);
        } catch (RedisException e) {
            LOG.debug("cannot delete {}: {}", key, e.getMessage());
        }
    }

    /** The generation of {@code id} now, started if Redis has none (one round trip). */
    long currentGeneration(String id) {
        Long current = generations.run(ScriptOutputType.INTEGER, new String[] {generationKey(id)}, "read");
        return current;
    }

    /** As {@link #currentGeneration} without blocking; fails with Lettuce's exception where it throws. */
    CompletableFuture<Long> currentGenerationAsync(String id) {
        return generations.runAsync(ScriptOutputType.INTEGER, new String[] {generationKey(id)}, "read");
    }

    /** The Redis key of {@code id}'s generation. */
    public String generationKey(String id) {
        // The hash tag keeps an id's generation and values in one Redis Cluster slot.
        return namespace + ":{" + id + "}:gen";
    }

    private String valueKey(Key key) {
        return namespace + ":{" + key.id() + "}:" + key.generation();
    }
}
