package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;

/**
 * The shared limiter: GCRA in one Lua script on Redis, so every instance (and later every gateway)
 * draws from one budget per client, at one round trip per decision (EVALSHA; the script is loaded
 * once and again only if Redis lost it).
 */
final class RedisRateLimiter implements RateLimiter {

    private static final String PREFIX = "ratelimit:";

    private final RedisScript script;
    private final String[] args;

    RedisRateLimiter(RedisConnections redis, RatePolicy policy) {
        this.script = new RedisScript(redis, "/redis/gcra.lua");
        this.args = new String[] {
                Long.toString(micros(policy.interval())),
                Integer.toString(policy.burst()),
                Long.toString(policy.effectiveKeyTtl().toMillis())};
    }

    @Override
    public RateDecision acquire(String client) {
        String[] keys = {PREFIX + client};
        List<Long> result;
        try {
            result = script.run(ScriptOutputType.MULTI, keys, args);
        } catch (RedisException e) {
            throw new CacheUnavailableException("rate limiter unavailable", e);
        }
        return new RateDecision(result.get(0) == 1, result.get(1), Duration.ofNanos(result.get(2) * 1000),
                Duration.ofNanos(result.get(3) * 1000), true);
    }

    private static long micros(Duration duration) {
        return Math.max(1, duration.toNanos() / 1000);
    }
}
