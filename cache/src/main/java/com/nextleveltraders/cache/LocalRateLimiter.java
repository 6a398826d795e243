package com.nextleveltraders.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The same GCRA as the Redis script, in this process only: the fallback while Redis is away. It
 * limits each instance separately, so N instances admit up to N times the budget: better than no
 * limit, and never a reason to refuse service.
 */
final class LocalRateLimiter implements RateLimiter {

    private static final int MAX_CLIENTS = 100_000;

    private final RatePolicy policy;
    private final Clock clock;
    private final long intervalMicros;
    private final long capacityMicros;
    private final Cache<String, long[]> arrivals;

    LocalRateLimiter(RatePolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.intervalMicros = Math.max(1, policy.interval().toNanos() / 1000);
        this.capacityMicros = intervalMicros * policy.burst();
        this.arrivals = Caffeine.newBuilder()
                // Bounded: during an outage, clients rotating addresses must not grow the heap.
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(policy.effectiveKeyTtl())
                .ticker(() -> micros(clock.instant()) * 1000)
                .build();
    }

    @Override
    public RateDecision acquire(String client) {
        long now = micros(clock.instant());
        long[] state = arrivals.get(client, key -> new long[1]);
        synchronized (state) {
            long tat = Math.max(state[0], now);
            long newTat = tat + intervalMicros;
            if (newTat - now > capacityMicros) {
                return new RateDecision(false, 0, micros(tat - now), micros(newTat - now - capacityMicros), false);
            }
            state[0] = newTat;
            return new RateDecision(true, (capacityMicros - (newTat - now)) / intervalMicros, micros(newTat - now),
                    Duration.ZERO, false);
        }
    }

    RatePolicy policy() {
        return policy;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static Duration micros(long value) {
        return Duration.ofNanos(value * 1000);
    }
}
