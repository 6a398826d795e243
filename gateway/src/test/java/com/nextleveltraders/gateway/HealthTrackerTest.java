package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.HealthCheck;
import com.nextleveltraders.gateway.HealthTracker.State;
import com.nextleveltraders.gateway.HealthTracker.Transition;
import com.nextleveltraders.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The seed's values: every 10 s, 5 s timeout, down after 2 failures, up after 3 successes. */
    private static final HealthCheck SEED =
            new HealthCheck("/api/health", Duration.ofSeconds(10), Duration.ofSeconds(5), 2, 3);

    private final MutableClock clock = new MutableClock(T0);

    private HealthTracker tracker() {
        return new HealthTracker("api-1", SEED, clock, new SplittableRandom(42));
    }

    private HealthTracker upTracker() {
        HealthTracker t = tracker();
        t.checkSucceeded();
        t.checkSucceeded();
        t.checkSucceeded();
        assertThat(t.state()).isEqualTo(State.UP);
        return t;
    }

    @Test
    void newInstanceStartsDownAndRisesAfterExactlyThreeSuccesses() {
        HealthTracker t = tracker();
        assertThat(t.state()).isEqualTo(State.DOWN);
        assertThat(t.checkSucceeded()).isEmpty();
        assertThat(t.checkSucceeded()).isEmpty();
        assertThat(t.state()).isEqualTo(State.DOWN);
        clock.advance(Duration.ofSeconds(30));
        Optional<Transition> up = t.checkSucceeded();
        assertThat(up).contains(new Transition("api-1", State.DOWN, State.UP, T0.plusSeconds(30),
                "3 consecutive checks succeeded"));
        assertThat(t.state()).isEqualTo(State.UP);
    }

    @Test
    void fallsAfterExactlyTwoFailures() {
        HealthTracker t = upTracker();
        assertThat(t.checkFailed()).isEmpty();
        assertThat(t.state()).isEqualTo(State.UP);
        Optional<Transition> down = t.checkFailed();
        assertThat(down).get().satisfies(tr -> {
            assertThat(tr.from()).isEqualTo(State.UP);
            assertThat(tr.to()).isEqualTo(State.DOWN);
        });
        assertThat(t.state()).isEqualTo(State.DOWN);
        assertThat(t.checkFailed()).as("already down: no new transition").isEmpty();
    }

    @Test
    void successBetweenFailuresResetsTheFailureCount() {
        HealthTracker t = upTracker();
        t.checkFailed();
        t.checkSucceeded();
        assertThat(t.checkFailed()).isEmpty();
        assertThat(t.state()).isEqualTo(State.UP);
        assertThat(t.checkFailed()).isPresent();
        assertThat(t.state()).isEqualTo(State.DOWN);
    }

    @Test
    void failureBetweenSuccessesResetsTheRiseCount() {
        HealthTracker t = tracker();
        t.checkSucceeded();
        t.checkSucceeded();
        t.checkFailed();
        assertThat(t.checkSucceeded()).isEmpty();
        assertThat(t.checkSucceeded()).isEmpty();
        assertThat(t.state()).isEqualTo(State.DOWN);
        assertThat(t.checkSucceeded()).isPresent();
        assertThat(t.state()).isEqualTo(State.UP);
    }

    @Test
    void connectionFailureEjectsAtOnceAndNeedsAFullRise() {
        HealthTracker t = upTracker();
        assertThat(t.connectionFailed()).get()
                .extracting(Transition::reason).isEqualTo("connection refused or reset");
        assertThat(t.state()).isEqualTo(State.DOWN);
        assertThat(t.connectionFailed()).isEmpty();
        t.checkSucceeded();
        t.checkSucceeded();
        assertThat(t.state()).isEqualTo(State.DOWN);
        t.checkSucceeded();
        assertThat(t.state()).isEqualTo(State.UP);
    }

    @Test
    void jitterStaysWithinTenPercentOfTheInterval() {
        HealthTracker t = tracker();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long gap = Duration.between(T0, t.nextCheckAt(T0)).toMillis();
            min = Math.min(min, gap);
            max = Math.max(max, gap);
        }
        assertThat(min).isBetween(9_000L, 9_100L);
        assertThat(max).isBetween(10_900L, 11_000L);
    }

    @Test
    void rejectsThresholdsBelowOne() {
        assertThatThrownBy(() -> new HealthTracker("api-1",
                new HealthCheck("/api/health", Duration.ofSeconds(10), Duration.ofSeconds(5), 0, 3),
                clock, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unhealthyThreshold: must be >= 1 (got 0)");
    }
}
