package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The shared limiter: GCRA in one Lua script on Redis, so every instance (and later every gateway)
 * draws from one budget per client, at one round trip per decision (EVALSHA; the script is loaded
 * once and again only if Redis lost it).
 */
final class RedisRateLimiter implements RateLimiter {

    private static final String UNAVAILABLE = "rate limiter unavailable";

    private final RedisScript script;
    private final String[] args;
    private final String prefix;

    RedisRateLimiter(RedisConnections redis, RatePolicy policy) {
        this.script = new RedisScript(redis, "/redis/gcra.lua");
        // The stored arrival time only means something under the policy that wrote it: keys name
        // their policy, so two policies (a changed configuration during a rolling deploy, or the
        // login budget beside the general one) never read each other's state.
        this.prefix = "ratelimit:" + micros(policy.interval()) + "x" + policy.burst() + ":";
        this.args = new String[] {
                Long.toString(micros(policy.interval())),
                Integer.toString(policy.burst()),
                Long.toString(policy.effectiveKeyTtl().toMillis())};
    }

    @Override
    public RateDecision acquire(String client) {
        String[] keys = {prefix + client};
        List<Long> result;
        try {
            result = script.run(ScriptOutputType.MULTI, keys, args);
        } catch (RedisException e) {
            throw new CacheUnavailableException(UNAVAILABLE, e);
        }
        return decision(result);
    }

    /** The same decision without blocking; fails with {@link CacheUnavailableException} where acquire throws it. */
    @Override
    public CompletionStage<RateDecision> acquireAsync(String client) {
        String[] keys = {prefix + client};
        return RedisFutures.unavailableOnFailure(script.<List<Long>>runAsync(ScriptOutputType.MULTI, keys, args),
                UNAVAILABLE).thenApply(RedisRateLimiter::decision);
    }

    /** The script's answer: allowed (1/0), remaining, reset and retry-after in microseconds. */
    private static RateDecision decision(List<Long> result) {
        return new RateDecision(result.get(0) == 1, result.get(1), Duration.ofNanos(result.get(2) * 1000),
                Duration.ofNanos(result.get(3) * 1000), true);
    }

    private static long micros(Duration duration) {
        return Math.max(1, duration.toNanos() / 1000);
    }
}
