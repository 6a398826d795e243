package com.nextleveltraders.cache;

/** Decides whether a client may make one more request now. Implementations are thread-safe. */
public interface RateLimiter {

    /** Counts one request of {@code client} (e.g. "user:&lt;id&gt;" or "ip:&lt;address&gt;") and decides. */
    RateDecision acquire(String client);
}
