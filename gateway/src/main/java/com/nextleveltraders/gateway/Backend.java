package com.nextleveltraders.gateway;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance behind the gateway as the balancer sees it: its in-flight request count and, while it
 * is healthy, since when. Mutated only through {@link LeastConnections}.
 */
public final class Backend {

    private final String id;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Null while DOWN; volatile because health updates and picks run on different threads. */
    private volatile Instant upSince;
    /** Being removed: no new requests, in-flight ones finish. */
    private volatile boolean draining;

    Backend(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    public String id() {
        return id;
    }

    /** Requests sent to this backend and not yet released. */
    public int inFlight() {
        return inFlight.get();
    }

    public boolean isUp() {
        return upSince != null;
    }

    public boolean isDraining() {
        return draining;
    }

    void drain() {
        draining = true;
    }

    Instant upSince() {
        return upSince;
    }

    void markUp(Instant at) {
        upSince = at;
    }

    void markDown() {
        upSince = null;
    }

    void acquire() {
        inFlight.incrementAndGet();
    }

    void release() {
        // A release without an acquire is a caller bug; fail instead of letting the count drift negative.
        if (inFlight.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
            throw new IllegalStateException("release without acquire on backend " + id);
        }
    }

    @Override
    public String toString() {
        return id + "(inFlight=" + inFlight() + ", up=" + isUp() + (draining ? ", draining" : "") + ")";
    }
}
