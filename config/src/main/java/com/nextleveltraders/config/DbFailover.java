package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How `nlt up` tells that a shard's primary is gone and fails it over to its replica:
 * {@code database.failover}. A probe (connect and {@code SELECT 1}, each bounded by one check
 * interval, at most one second) runs every {@code checkInterval}; {@code fall} failures in a row
 * fail the primary over. A postmaster that exits is failed over at once, without waiting for probes.
 *
 * @param checkInterval time between two probes of each shard's primary, from 100 ms to 1 min
 * @param fall          probes in a row that must fail before the primary is failed over, 1 to 100
 */
public record DbFailover(Duration checkInterval, int fall) {

    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_FALL = 100;

    public DbFailover {
        Objects.requireNonNull(checkInterval, "checkInterval");
        Ranges.of(DbFailover.class)
                .that(checkInterval.compareTo(MIN_INTERVAL) >= 0 && checkInterval.compareTo(MAX_INTERVAL) <= 0,
                        "checkInterval", "must be from " + Durations.format(MIN_INTERVAL) + " to "
                                + Durations.format(MAX_INTERVAL) + " (got " + Durations.describe(checkInterval) + ")")
                .between("fall", fall, 1, MAX_FALL)
                .check();
    }

    /** How long one probe may take before it counts as failed: the interval, at most one second. */
    public Duration probeTimeout() {
        return checkInterval.compareTo(Duration.ofSeconds(1)) < 0 ? checkInterval : Duration.ofSeconds(1);
    }
}
