package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The shared limiter: GCRA in one Lua script on Redis, so every instance (and later every gateway)
 * draws from one budget per client, at one round trip per decision (EVALSHA; the script is loaded
 * once and again only if Redis lost it).
 */
final class RedisRateLimiter implements RateLimiter {

    private static final String PREFIX = "ratelimit:";
    static final String SCRIPT = loadScript();

    private final RedisConnections redis;
    private final RatePolicy policy;
    private final String[] args;
    private volatile String sha;

    RedisRateLimiter(RedisConnections redis, RatePolicy policy) {
        this.redis = redis;
        this.policy = policy;
        this.args = new String[] {
                Long.toString(micros(policy.interval())),
                Integer.toString(policy.burst()),
                Long.toString(policy.keyTtl().toMillis())};
    }

    @Override
    public RateDecision acquire(String client) {
        String[] keys = {PREFIX + client};
        List<Long> result;
        try {
            result = evaluate(keys);
        } catch (RedisException e) {
            throw new CacheUnavailableException("rate limiter unavailable", e);
        }
        return new RateDecision(result.get(0) == 1, result.get(1), Duration.ofNanos(result.get(2) * 1000),
                Duration.ofNanos(result.get(3) * 1000), true);
    }

    private List<Long> evaluate(String[] keys) {
        String loaded = sha;
        if (loaded == null) {
            loaded = load();
        }
        try {
            return redis.sync().evalsha(loaded, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            // Redis restarted or failed over to a replica without the script cache: load it again.
            return redis.sync().evalsha(load(), ScriptOutputType.MULTI, keys, args);
        }
    }

    private String load() {
        String loaded = redis.sync().scriptLoad(SCRIPT);
        sha = loaded;
        return loaded;
    }

    private static long micros(Duration duration) {
        return Math.max(1, duration.toNanos() / 1000);
    }

    private static String loadScript() {
        try (InputStream in = RedisRateLimiter.class.getResourceAsStream("/redis/gcra.lua")) {
            if (in == null) {
                throw new IllegalStateException("redis/gcra.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
