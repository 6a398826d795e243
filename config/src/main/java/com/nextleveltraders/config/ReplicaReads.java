package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a shard's streaming replica serves reads: {@code platform.replicaReads}. A replica further
 * behind its primary than {@code maxLag} (or not answering) is skipped; how far behind it is, is
 * looked at every {@code pollInterval}.
 */
public record ReplicaReads(Duration maxLag, Duration pollInterval) {

    public ReplicaReads {
        Objects.requireNonNull(maxLag, "maxLag");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Ranges.of(ReplicaReads.class)
                .positive("maxLag", maxLag)
                .positive("pollInterval", pollInterval)
                .check();
    }
}
