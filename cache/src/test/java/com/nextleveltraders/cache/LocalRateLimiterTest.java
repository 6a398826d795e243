package com.nextleveltraders.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fallback limiter's GCRA, on a hand-moved clock: the burst, then exactly the refill rate. */
class LocalRateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    // The strategy's shape: 1000 a minute (one per 60 ms), 50 back to back.
    private final RatePolicy policy = new RatePolicy(1000, Duration.ofMinutes(1), 50, Duration.ofMinutes(1));
    private final LocalRateLimiter limiter = new LocalRateLimiter(policy, clock);

    @Test
    void aBurstOfFiftyPassesThenTheFiftyFirstWaitsOneInterval() {
        for (int i = 0; i < 50; i++) {
            RateDecision decision = limiter.acquire("user:a");
            assertThat(decision.allowed()).as("request %d", i + 1).isTrue();
            assertThat(decision.remaining()).isEqualTo(49 - i);
        }
        RateDecision refused = limiter.acquire("user:a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(60));
        assertThat(refused.shared()).isFalse();

        clock.advance(Duration.ofMillis(59));
        assertThat(limiter.acquire("user:a").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.acquire("user:a").allowed()).isTrue();
        assertThat(limiter.acquire("user:a").allowed()).isFalse();
    }

    @Test
    void refusedRequestsDoNotPushRecoveryFurtherAndUsersAreIndependent() {
        for (int i = 0; i < 50; i++) {
            limiter.acquire("user:a");
        }
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.acquire("user:a").allowed()).isFalse();
        }
        assertThat(limiter.acquire("user:b").allowed()).isTrue();
        // After one period the whole burst is back: 3 s of refill covers 50 intervals.
        clock.advance(Duration.ofSeconds(3));
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.acquire("user:a").allowed()).isTrue();
        }
        assertThat(limiter.acquire("user:a").allowed()).isFalse();
    }

    @Test
    void sustainedTrafficAtTheRefillRateIsNeverRefused() {
        for (int i = 0; i < 5000; i++) {
            assertThat(limiter.acquire("user:steady").allowed()).isTrue();
            clock.advance(Duration.ofMillis(60));
        }
    }
}
