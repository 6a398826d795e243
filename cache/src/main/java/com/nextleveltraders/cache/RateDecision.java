package com.nextleveltraders.cache;

import java.time.Duration;

/**
 * One rate-limit decision. {@code remaining}: requests that may follow at once; {@code reset}: until
 * the full burst is available again; {@code retryAfter}: until a refused request would pass (zero
 * when allowed). {@code shared} is false when the decision was made locally because Redis was away.
 */
public record RateDecision(boolean allowed, long remaining, Duration reset, Duration retryAfter, boolean shared) {
}
