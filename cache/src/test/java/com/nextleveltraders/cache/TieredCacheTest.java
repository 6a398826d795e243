package com.nextleveltraders.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.testkit.TemporaryServers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two tiers of {@link TieredCache} against a real Redis, with two caches on it standing for two
 * instances: L1 answers repeated reads in an instance, L2 shares an entry between instances, and
 * after an invalidation no instance answers the old value.
 */
class TieredCacheTest {

    private static final String ID = "user-1";

    private TemporaryServers servers;
    private RedisConnections redis;

    /** The value in the "database", and how often the caches loaded it. */
    private final AtomicReference<String> stored = new AtomicReference<>("v1");
    private final AtomicInteger loads = new AtomicInteger();
    private final Supplier<String> loader = () -> {
        loads.incrementAndGet();
        return stored.get();
    };

    @BeforeEach
    void startRedis() {
        servers = TemporaryServers.start("tiered", 0, true);
        redis = RedisConnections.open(ConfigLoader.loadYaml(servers.platformYaml("")));
    }

    @AfterEach
    void stopRedis() {
        redis.close();
        servers.close();
    }

    @Test
    void aRepeatedReadInOneInstanceIsAnsweredByL1WithoutLoading() {
        TieredCache<String> cache = cache("test:v1");
        assertThat(cache.get(ID, loader)).isEqualTo("v1");
        assertThat(cache.get(ID, loader)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        assertThat(cache.stats()).isEqualTo(new TieredCache.Stats(1, 0, 1, 0));
    }

    @Test
    void anotherInstanceReadsTheEntryFromL2WithoutLoading() {
        TieredCache<String> first = cache("test:v1");
        TieredCache<String> second = cache("test:v1");
        first.get(ID, loader);
        assertThat(second.get(ID, loader)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        assertThat(second.stats()).isEqualTo(new TieredCache.Stats(0, 1, 0, 0));
    }

    @Test
    void afterAnInvalidationNoInstanceAnswersTheOldValueThoughItsL1WasNeverTold() {
        TieredCache<String> writer = cache("test:v1");
        TieredCache<String> reader = cache("test:v1");
        writer.get(ID, loader);
        reader.get(ID, loader);
        reader.get(ID, loader); // in the reader's L1 now

        stored.set("v2");
        writer.invalidate(ID);
        assertThat(reader.get(ID, loader)).isEqualTo("v2");
        assertThat(writer.get(ID, loader)).isEqualTo("v2");
        assertThat(loads).hasValue(2); // the reader loaded v2 once, the writer found it in L2
    }

    @Test
    void aGenerationKnownFromTheSessionLookupSavesTheRoundTripAndNamesTheSameEntry() {
        TieredCache<String> cache = cache("test:v1");
        cache.get(ID, loader);
        long generation = cache.currentGeneration(ID);
        assertThat(cache.get(ID, java.util.OptionalLong.of(generation), loader)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        cache.invalidate(ID);
        assertThat(cache.currentGeneration(ID)).isNotEqualTo(generation);
    }

    @Test
    void anEntryL2CannotDecodeIsAMissAndIsReplacedByAFreshLoad() {
        TieredCache<String> cache = cache("test:v1");
        String generation = Long.toString(cache.currentGeneration(ID));
        String valueKey = "test:v1:{" + ID + "}:" + generation;
        redis.sync().set(valueKey, "unreadable");

        assertThat(cache.get(ID, loader)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(redis.sync().get(valueKey)).isEqualTo("text:v1");
    }

    @Test
    void aNewNamespaceNeverReadsTheEntriesOfAnOldOne() {
        cache("test:v1").get(ID, loader);
        stored.set("v2");
        assertThat(cache("test:v2").get(ID, loader)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void withRedisGoneReadsGoToTheLoaderAndAnInvalidationSaysItCouldNotBeMade() {
        TieredCache<String> cache = cache("test:v1");
        cache.get(ID, loader);
        servers.redis().close();

        stored.set("v2");
        assertThat(cache.get(ID, loader)).isEqualTo("v2");
        assertThat(cache.stats().bypasses()).isEqualTo(1);
        assertThatThrownBy(() -> cache.invalidate(ID)).isInstanceOf(CacheUnavailableException.class);
    }

    /** A cache whose L2 text is "text:" and the value; any other text cannot be decoded. */
    private TieredCache<String> cache(String namespace) {
        return new TieredCache<>(redis, namespace, Duration.ofMinutes(5), 100, Duration.ofMinutes(5),
                new TieredCache.Codec<>() {
                    @Override
                    public String encode(String value) {
                        return "text:" + value;
                    }

                    @Override
                    public String decode(String text) {
                        if (!text.startsWith("text:")) {
                            throw new IllegalArgumentException("not a value of this cache: " + text);
                        }
                        return text.substring("text:".length());
                    }
                });
    }
}
