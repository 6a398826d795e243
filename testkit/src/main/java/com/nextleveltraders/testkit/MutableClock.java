package com.nextleveltraders.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that tests move by hand, so that time-based rules (windows, TTLs, cooldowns) are
 * tested without sleeping. Safe to read from the threads of the code under test.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Only UTC: the code under test reads instants, and a second zone would need a second clock to move. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.normalized().equals(zone.normalized())) {
            throw new UnsupportedOperationException("a MutableClock is in UTC, not " + zone);
        }
        return this;
    }
}
