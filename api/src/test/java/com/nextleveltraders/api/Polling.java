package com.nextleveltraders.api;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded waits in tests: poll until a state is reached, fail with what was last seen. */
final class Polling {

    private static final long INTERVAL_MS = 100;

    private Polling() {
    }

    /** {@code pending} returns null once the state is as wanted, else what is still missing. */
    static void until(Duration timeout, String goal, Supplier<String> pending) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String missing;
            try {
                missing = pending.get();
            } catch (RuntimeException e) {
                missing = e.toString();
            }
            if (missing == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout.toSeconds() + " s waiting until " + goal
                        + "; last seen: " + missing);
            }
            Thread.sleep(INTERVAL_MS);
        }
    }
}
