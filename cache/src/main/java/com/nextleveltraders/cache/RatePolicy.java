package com.nextleveltraders.cache;

import java.time.Duration;

/**
 * A limit of {@code requests} per {@code period}, of which {@code burst} may arrive back to back;
 * limiter state lives for {@code keyTtl}. Requests then refill at one per {@link #interval()}.
 */
public record RatePolicy(int requests, Duration period, int burst, Duration keyTtl) {

    public RatePolicy {
        if (requests < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate policy needs requests >= 1, burst >= 1 and a positive period: "
                    + requests + ", " + burst + ", " + period);
        }
    }

    /**
     * How long a client's state must live: the configured lifetime, but never less than a full
     * burst takes to refill, or an expiring key would hand the burst back early.
     */
    public Duration effectiveKeyTtl() {
        Duration refill = interval().multipliedBy(burst);
        return keyTtl.compareTo(refill) >= 0 ? keyTtl : refill;
    }

    /** The time one request's worth of budget takes to come back. */
    public Duration interval() {
        return period.dividedBy(requests);
    }
}
