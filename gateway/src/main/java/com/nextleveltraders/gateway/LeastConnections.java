package com.nextleveltraders.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Least-connections balancing: each request goes to the UP backend with the fewest requests in flight.
 * A DOWN or draining backend is never chosen; with no UP backend the answer is empty.
 *
 * <p><b>Ties</b> are broken round-robin: every pick starts its scan at the next backend in turn and
 * keeps the first one with the lowest load. We scan all backends rather than use power of two choices
 * because there are at most ten here, so the full scan is cheap and always finds the true minimum;
 * power of two choices pays off with many backends or stale load figures (several balancers sharing
 * estimates), neither of which applies to exact in-process counts. Round-robin also spreads equal load
 * evenly and deterministically, which random sampling only does on average.
 *
 * <p><b>Slow start</b>: a backend that became UP less than {@code slowStart} ago is treated as carrying
 * extra load {@code (1 - elapsed / slowStart) * (busiestInFlight + 1)}, where {@code busiestInFlight}
 * is the highest in-flight count among UP backends. At the start it therefore looks busier than every
 * peer and gets almost nothing; halfway through it settles at about half the peers' load; at the end
 * the extra is zero and it takes its fair share. Scaling by the busiest peer keeps the ramp
 * proportional at any traffic level. A backend with no UP peer is still picked, since it is then the
 * only candidate.
 *
 * <p>Thread-safe. {@link #acquire()} picks and counts in two steps, so two concurrent requests may
 * both choose the same backend; the counts stay exact, only the choice is momentarily imperfect.
 */
public final class LeastConnections {

    private final Clock clock;
    private final long slowStartNanos;
    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private final AtomicInteger cursor = new AtomicInteger();

    /**
     * @param slowStart ramp-up time of a backend that just became UP; zero disables slow start
     * @throws IllegalArgumentException if {@code slowStart} is negative
     */
    public LeastConnections(Clock clock, Duration slowStart) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(slowStart, "slowStart");
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("slowStart must not be negative: " + slowStart);
        }
        this.slowStartNanos = slowStart.toNanos();
    }

    /**
     * Registers a backend, initially DOWN (see {@link HealthTracker}).
     *
     * @throws IllegalArgumentException if the id is already registered
     */
    public Backend add(String id) {
        Backend backend = new Backend(id);
        synchronized (backends) {
            if (find(id).isPresent()) {
                throw new IllegalArgumentException("backend already registered: " + id);
            }
            backends.add(backend);
        }
        return backend;
    }

    /** Stops routing to a backend; requests already in flight may still be released. */
    public void remove(String id) {
        backends.removeIf(b -> b.id().equals(id));
    }

    public Optional<Backend> find(String id) {
        for (Backend b : backends) {
            if (b.id().equals(id)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Backends in registration order. */
    public List<Backend> backends() {
        return List.copyOf(backends);
    }

    /** Applies a health change; the slow-start ramp begins when a backend goes UP. */
    public void apply(HealthTracker.Transition transition) {
        find(transition.backend()).ifPresent(b -> {
            if (transition.to() == HealthTracker.State.UP) {
                b.markUp(clock.instant());
            } else {
                b.markDown();
            }
        });
    }

    /** The UP backend with the lowest load (in-flight plus slow-start extra), without counting it. */
    public Optional<Backend> pick() {
        return pick(b -> true);
    }

    /** As {@link #pick()}, among the backends {@code eligible} accepts (a retry skips those tried). */
    public Optional<Backend> pick(Predicate<Backend> eligible) {
        Backend[] snapshot = backends.toArray(new Backend[0]);
        int n = snapshot.length;
        if (n == 0) {
            return Optional.empty();
        }
        int busiest = 0;
        for (Backend b : snapshot) {
            if (b.isUp()) {
                busiest = Math.max(busiest, b.inFlight());
            }
        }
        Instant now = clock.instant();
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        Backend best = null;
        double bestLoad = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            Backend b = snapshot[(start + i) % n];
            Instant upSince = b.upSince();
            if (upSince == null || b.isDraining() || !eligible.test(b)) {
                continue;
            }
            double load = b.inFlight() + slowStartExtra(upSince, now, busiest);
            if (load < bestLoad) {
                best = b;
                bestLoad = load;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Picks a backend and counts the request as in flight on it; pair with {@link #release}. */
    public Optional<Backend> acquire() {
        return acquire(b -> true);
    }

    /** As {@link #acquire()}, among the backends {@code eligible} accepts. */
    public Optional<Backend> acquire(Predicate<Backend> eligible) {
        Optional<Backend> picked = pick(eligible);
        picked.ifPresent(Backend::acquire);
        return picked;
    }

    /**
     * Ends a request started by {@link #acquire()}.
     *
     * @throws IllegalStateException if the backend has no request in flight
     */
    public void release(Backend backend) {
        Objects.requireNonNull(backend, "backend").release();
    }

    double slowStartExtra(Instant upSince, Instant now, int busiestInFlight) {
        if (slowStartNanos == 0) {
            return 0;
        }
        long elapsed = Duration.between(upSince, now).toNanos();
        if (elapsed >= slowStartNanos) {
            return 0;
        }
        double remaining = 1 - Math.max(0, elapsed) / (double) slowStartNanos;
        return remaining * (busiestInFlight + 1);
    }
}
