package com.nextleveltraders.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Decides whether a client may make one more request now. Implementations are thread-safe. */
public interface RateLimiter {

    /** Counts one request of {@code client} (e.g. "user:&lt;id&gt;" or "ip:&lt;address&gt;") and decides. */
    RateDecision acquire(String client);

    /**
     * As {@link #acquire}, for callers that must not block (an event loop). The default decides at
     * once, which suits a limiter that never waits on I/O.
     */
    default CompletionStage<RateDecision> acquireAsync(String client) {
        return CompletableFuture.completedFuture(acquire(client));
    }
}
