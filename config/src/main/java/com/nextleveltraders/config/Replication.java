package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a shard's primary replicates to its streaming replica: {@code database.replication}.
 *
 * @param synchronous what a commit on the primary waits for before it is acknowledged
 * @param aloneAfter  how long a primary whose commits wait for its replica keeps waiting once the replica is
 *                    seen gone: after that the launcher lets it commit alone (the shard is unprotected) until the
 *                    replica streams again. {@code null}: never, writes wait for the replica (and fail after
 *                    {@code database.pool.statementTimeout}) for as long as it is gone. Positive when given
 */
public record Replication(SynchronousCommit synchronous, @Nullable Duration aloneAfter) {

    public Replication {
        Objects.requireNonNull(synchronous, "synchronous");
        Ranges.of(Replication.class)
                .that(aloneAfter == null || aloneAfter.isPositive(), "aloneAfter",
                        "must be positive, or null for never (got " + (aloneAfter == null ? "null"
                                : Durations.describe(aloneAfter)) + ")")
                .check();
    }
}
