package com.nextleveltraders.cache;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform's limiter: shared through Redis, falling back to a per-instance limiter while Redis is away. */
public final class RateLimiters implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiters.class);

    private final RateLimiter shared;
    private final RateLimiter local;
    private final AtomicBoolean degraded = new AtomicBoolean();

    RateLimiters(RateLimiter shared, RateLimiter local) {
        this.shared = shared;
        this.local = local;
    }

    /** Redis-backed with the local fallback. */
    public static RateLimiters create(RedisConnections redis, RatePolicy policy, Clock clock) {
        return new RateLimiters(new RedisRateLimiter(redis, policy), new LocalRateLimiter(policy, clock));
    }

    @Override
    public RateDecision acquire(String client) {
        try {
            RateDecision decision = shared.acquire(client);
            sharedAgain();
            return decision;
        } catch (CacheUnavailableException e) {
            return locally(client, e);
        }
    }

    /**
     * As {@link #acquire} without blocking: the shared decision when Redis answers, the local one
     * when it fails or times out. Completes on whichever thread Redis's answer arrives on (the
     * local fallback is quick and never blocks).
     */
    @Override
    public CompletionStage<RateDecision> acquireAsync(String client) {
        CompletionStage<RateDecision> decided;
        try {
            decided = shared.acquireAsync(client);
        } catch (CacheUnavailableException e) {
            return CompletableFuture.completedFuture(locally(client, e));
        }
        return decided.handle((decision, failure) -> {
            if (failure == null) {
                sharedAgain();
                return decision;
            }
            if (RedisFutures.cause(failure) instanceof CacheUnavailableException unavailable) {
                return locally(client, unavailable);
            }
            throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
        });
    }

    private void sharedAgain() {
        if (degraded.compareAndSet(true, false)) {
            LOG.info("rate limiting is shared through Redis again");
        }
    }

    private RateDecision locally(String client, CacheUnavailableException e) {
        if (degraded.compareAndSet(false, true)) {
            LOG.warn("Redis unreachable: rate limiting per instance until it is back ({})", e.getMessage());
        }
        return local.acquire(client);
    }

    /** True while decisions are made locally because Redis is unreachable. */
    public boolean isDegraded() {
        return degraded.get();
    }
}
