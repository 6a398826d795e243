package com.nextleveltraders.gateway;

import com.nextleveltraders.config.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The health of one backend instance, following HAProxy's rise/fall model: it goes {@link State#DOWN}
 * after {@code unhealthyThreshold} consecutive failed checks and {@link State#UP} again after
 * {@code healthyThreshold} consecutive good ones. Any opposite result resets the running count, so
 * only an unbroken run changes the state.
 *
 * <p>A new instance starts DOWN and needs {@code healthyThreshold} good checks before it is UP. We do
 * not start it UP (HAProxy's default) or in a "warming" state: a freshly launched JVM may not be
 * listening yet, and a request sent to it would fail; its cold-JVM phase after becoming UP is handled
 * by the balancer's slow start instead, so one mechanism covers warm-up.
 *
 * <p>Passive detection: {@link #connectionFailed()} (a refused or reset connection seen by live
 * traffic) ejects the instance at once, because such an error is certain, unlike a slow check.
 *
 * <p>Every state change is returned as a {@link Transition} so the caller can update the balancer
 * and count transitions in metrics. Thread-safe: checks and live traffic report from different threads.
 */
public final class HealthTracker {

    /** Whether the balancer may send requests to the instance. */
    public enum State { UP, DOWN }

    /** One state change of {@code backend} at {@code at}, with a human-readable reason. */
    public record Transition(String backend, State from, State to, Instant at, String reason) {
        public Transition {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Checks are spread over interval ± 10 %, so that instances started together (and several
     * gateways) do not probe in lockstep and load every instance at the same moment.
     */
    static final double JITTER_FRACTION = 0.10;

    private final String backend;
    private final Duration interval;
    private final int fall;
    private final int rise;
    private final Clock clock;
    private final RandomGenerator random;

    private State state = State.DOWN;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    /** {@link HealthCheck} guarantees thresholds of at least 1 and a positive interval. */
    public HealthTracker(String backend, HealthCheck check, Clock clock, RandomGenerator random) {
        this.backend = Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(check, "check");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.interval = check.interval();
        this.fall = check.unhealthyThreshold();
        this.rise = check.healthyThreshold();
    }

    public String backend() {
        return backend;
    }

    public synchronized State state() {
        return state;
    }

    /** An active check answered in time with a healthy status. */
    public synchronized Optional<Transition> checkSucceeded() {
        consecutiveFailures = 0;
        if (state == State.UP) {
            return Optional.empty();
        }
        consecutiveSuccesses++;
        if (consecutiveSuccesses < rise) {
            return Optional.empty();
        }
        return moveTo(State.UP, rise + " consecutive checks succeeded");
    }

    /** An active check failed: bad status, timeout, or no connection. */
    public synchronized Optional<Transition> checkFailed() {
        consecutiveSuccesses = 0;
        if (state == State.DOWN) {
            return Optional.empty();
        }
        consecutiveFailures++;
        if (consecutiveFailures < fall) {
            return Optional.empty();
        }
        return moveTo(State.DOWN, fall + " consecutive checks failed");
    }

    /** Live traffic saw a refused or reset connection: eject now, and require a full rise to return. */
    public synchronized Optional<Transition> connectionFailed() {
        consecutiveSuccesses = 0;
        if (state == State.DOWN) {
            return Optional.empty();
        }
        return moveTo(State.DOWN, "connection refused or reset");
    }

    /**
     * When to start the next check: {@code lastCheckStarted} plus the interval, jittered by up to
     * ± {@value #JITTER_FRACTION} of it.
     */
    public synchronized Instant nextCheckAt(Instant lastCheckStarted) {
        return nextCheckAt(lastCheckStarted, interval);
    }

    /**
     * As {@link #nextCheckAt(Instant)}, but with {@code fastInterval} while the backend is DOWN or a
     * run of failures has begun (HAProxy's {@code fastinter}): a new instance comes UP after
     * {@code healthyThreshold} fast checks instead of that many full intervals, and a failing one is
     * confirmed down sooner. The thresholds themselves do not change.
     */
    public synchronized Instant nextCheckAt(Instant lastCheckStarted, Duration fastInterval) {
        Objects.requireNonNull(lastCheckStarted, "lastCheckStarted");
        boolean settling = state == State.DOWN || consecutiveFailures > 0;
        Duration next = settling && fastInterval.compareTo(interval) < 0 ? fastInterval : interval;
        double offset = (random.nextDouble() * 2 - 1) * JITTER_FRACTION; // in [-0.1, 0.1)
        long nanos = next.toNanos();
        return lastCheckStarted.plusNanos(nanos + Math.round(nanos * offset));
    }

    private Optional<Transition> moveTo(State next, String reason) {
        State previous = state;
        state = next;
        consecutiveFailures = 0;
        consecutiveSuccesses = 0;
        return Optional.of(new Transition(backend, previous, next, clock.instant(), reason));
    }
}
